// What a growing heap holds: two heap snapshots (`BENCH_HEAP_SNAPSHOTS` writes them after the
// warm-up and at the end) compared by kind — how many objects of each, and their own bytes, more
// at the end than at the start. Without DevTools at hand, this is the comparison its Memory panel makes.

import fs from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

export interface KindTotal {
  count: number;
  bytes: number;
}

/** Objects in a snapshot by kind: `type:name` (the constructor's name for plain objects). */
export function totalsByKind(snap: Snapshot): Map<string, KindTotal> {
  const fields = snap.snapshot.meta.node_fields;
  const types = snap.snapshot.meta.node_types[0];
  const stride = fields.length;
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')];
  const totals = new Map<string, KindTotal>();
  for (let i = 0; i < snap.nodes.length; i += stride) {
    const type = types[snap.nodes[i + typeAt]!]!;
    // Strings and numbers are named by their content: one kind each, not one per value.
    const name = type === 'string' || type === 'concatenated string' || type === 'sliced string' || type === 'number' ? '' : snap.strings[snap.nodes[i + nameAt]!]!;
    const kind = `${type}:${name.slice(0, 80)}`;
    const total = totals.get(kind) ?? { count: 0, bytes: 0 };
    total.count += 1;
    total.bytes += snap.nodes[i + sizeAt]!;
    totals.set(kind, total);
  }
  return totals;
}

/** Kinds ordered by the bytes they grew by from `before` to `after`. */
export function growthByKind(before: Map<string, KindTotal>, after: Map<string, KindTotal>) {
  const kinds = new Set([...before.keys(), ...after.keys()]);
  return [...kinds]
    .map((kind) => {
      const a = before.get(kind) ?? { count: 0, bytes: 0 };
      const b = after.get(kind) ?? { count: 0, bytes: 0 };
      return { kind, countBefore: a.count, countAfter: b.count, bytesGrown: b.bytes - a.bytes };
    })
    .sort((x, y) => y.bytesGrown - x.bytesGrown);
}

/** Print the kinds that grew most between two snapshot files. */
export function printHeapGrowth(beforeFile: string, afterFile: string, rows = 25): void {
  const read = (file: string) => totalsByKind(JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot);
  const growth = growthByKind(read(beforeFile), read(afterFile));
  const total = growth.reduce((sum, g) => sum + g.bytesGrown, 0);
  console.log(`heap snapshots: self size grown in all ${(total / 1e6).toFixed(2)} MB; the kinds that grew most:`);
  console.table(growth.slice(0, rows).map((g) => ({ kind: g.kind, before: g.countBefore, after: g.countAfter, 'KB grown': Math.round(g.bytesGrown / 1024) })));
}
