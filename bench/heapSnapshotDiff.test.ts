import { describe, expect, it } from 'vitest';
import { growthByKind, totalsByKind } from './heapSnapshotDiff.ts';

/** A snapshot in V8's layout: nodes flattened, `stride` numbers each, names by string index. */
function snapshot(nodes: [type: number, name: number, size: number][]) {
  return {
    snapshot: { meta: { node_fields: ['type', 'name', 'id', 'self_size', 'edge_count'], node_types: [['hidden', 'object', 'string'] as string[]] as [string[]] } },
    nodes: nodes.flatMap(([type, name, size], id) => [type, name, id, size, 0]),
    strings: ['Incident', 'Array', 'some text', 'other text'],
  };
}

describe('heap snapshot comparison', () => {
  it('totals objects by constructor, and strings as one kind whatever their text', () => {
    const totals = totalsByKind(snapshot([[1, 0, 100], [1, 0, 60], [1, 1, 16], [2, 2, 24], [2, 3, 32]]));
    expect(totals.get('object:Incident')).toEqual({ count: 2, bytes: 160 });
    expect(totals.get('object:Array')).toEqual({ count: 1, bytes: 16 });
    expect(totals.get('string:')).toEqual({ count: 2, bytes: 56 });
  });

  it('orders kinds by the bytes they grew, including kinds new at the end', () => {
    const before = totalsByKind(snapshot([[1, 0, 100], [1, 1, 500]]));
    const after = totalsByKind(snapshot([[1, 0, 100], [1, 0, 100], [1, 0, 100], [1, 1, 400], [2, 2, 50]]));
    expect(growthByKind(before, after).map((g) => [g.kind, g.countBefore, g.countAfter, g.bytesGrown])).toEqual([
      ['object:Incident', 1, 3, 200],
      ['string:', 0, 1, 50],
      ['object:Array', 1, 1, -100],
    ]);
  });
});
