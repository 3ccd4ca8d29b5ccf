import { describe, expect, it } from 'vitest';
import { applyBuffered, mergeContiguous } from './liveBridge.ts';
import { applyBatch, emptyCity } from '../../shared/domain/cityReducer.ts';
import { openIncident } from '../../shared/domain/incidentFactory.ts';
import type { ChangeBatch, Snapshot } from '../../shared/protocol/changes.ts';

const incident = (seq: number) => ({ seq, type: 'incident' as const, incident: openIncident({ id: `i${seq}`, codePrefix: 'GD', source: 'patrol', text: 'x', category: null, severity: 'low', location: null, address: null, placement: null, now: '2026-11-22T08:00:00.000Z' }) });
const batch = (from: number, to: number, ...seqs: number[]): ChangeBatch => ({ fromSeq: from, toSeq: to, changes: seqs.map(incident) });
const snapshot: Snapshot = { protocolVersion: 1, seq: 4, incidents: [], tasks: [], units: [], sensors: [], alarms: [], metrics: null };

describe('one flush, one copy', () => {
  it('joins back-to-back batches and keeps snapshots, overlaps and gaps apart', () => {
    const merged = mergeContiguous([
      { kind: 'batch', batch: batch(1, 2, 1) },
      { kind: 'batch', batch: batch(3, 4, 4) },
      { kind: 'snapshot', snapshot },
      { kind: 'batch', batch: batch(5, 6, 5, 6) },
      { kind: 'batch', batch: batch(6, 7, 7) },
      { kind: 'batch', batch: batch(9, 9, 9) },
    ]);
    expect(merged.map((m) => (m.kind === 'batch' ? [m.batch.fromSeq, m.batch.toSeq, m.batch.changes.length] : 'snapshot'))).toEqual([[1, 4, 2], 'snapshot', [5, 6, 2], [6, 7, 1], [9, 9, 1]]);
  });

  it('reaches the same state and the same gap as applying the batches one by one', () => {
    const buffered = [batch(1, 2, 1, 2), batch(3, 5, 3, 5), batch(6, 6), batch(8, 8, 8)];
    let one = emptyCity();
    for (const b of buffered.slice(0, 3)) one = applyBatch(one, b).state;
    const out = applyBuffered(emptyCity(), [], buffered.map((b) => ({ kind: 'batch' as const, batch: b })));
    expect(out.city.seq).toBe(6);
    expect([...out.city.incidents.keys()].sort()).toEqual([...one.incidents.keys()].sort());
    expect(out.gapFrom).toBe(6);
    expect(out.feed.map((f) => f.incidentId)).toEqual(['i5', 'i3', 'i2', 'i1']);
  });
});
