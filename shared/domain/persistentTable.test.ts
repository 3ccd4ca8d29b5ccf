import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PersistentTable } from './persistentTable.ts';

const entries = (n: number, tag = 'v'): [string, string][] => Array.from({ length: n }, (_, i) => [`INC-${i}`, `${tag}${i}`]);

describe('PersistentTable', () => {
  it('reads like a map: get, has, size and every entry once', () => {
    const t = PersistentTable.from(entries(1000));
    expect(t.size).toBe(1000);
    expect(t.get('INC-7')).toBe('v7');
    expect(t.has('INC-999')).toBe(true);
    expect(t.has('INC-1000')).toBe(false);
    expect(t.get('nope')).toBeUndefined();
    expect(new Map(t)).toEqual(new Map(entries(1000)));
    expect([...t.keys()].sort()).toEqual(entries(1000).map(([k]) => k).sort());
    expect([...t.values()]).toHaveLength(1000);
  });

  it('makes a new version without touching the old one, sharing what did not change', () => {
    const before = PersistentTable.from(entries(1000));
    const after = before.with(new Map([['INC-3', 'changed'], ['NEW-1', 'added']]));
    expect(after).not.toBe(before);
    expect(before.get('INC-3')).toBe('v3');
    expect(before.has('NEW-1')).toBe(false);
    expect(before.size).toBe(1000);
    expect(after.get('INC-3')).toBe('changed');
    expect(after.get('NEW-1')).toBe('added');
    expect(after.size).toBe(1001);
    expect(after.get('INC-500')).toBe('v500');
  });

  it('drops ids in a new version, leaving the old one whole', () => {
    const before = PersistentTable.from(entries(100));
    const after = before.without(['INC-1', 'INC-2', 'nope', 'INC-1']);
    expect(after.size).toBe(98);
    expect(after.has('INC-1')).toBe(false);
    expect(after.get('INC-3')).toBe('v3');
    expect(before.size).toBe(100);
    expect(before.get('INC-1')).toBe('v1');
  });

  it('agrees with a Map under any sequence of versions (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.tuple(fc.string({ maxLength: 6 }), fc.integer()), { maxLength: 20 }), { maxLength: 20 }), (rounds) => {
        let table = PersistentTable.from<number>([]);
        const model = new Map<string, number>();
        const versions: [PersistentTable<number>, Map<string, number>][] = [];
        for (const changes of rounds) {
          table = table.with(new Map(changes));
          for (const [k, v] of changes) model.set(k, v);
          versions.push([table, new Map(model)]);
        }
        // Every version still reads as it did when it was made.
        for (const [t, m] of versions) {
          expect(t.size).toBe(m.size);
          expect(new Map(t)).toEqual(m);
          const walked = new Map<string, number>();
          t.forEach((v, k) => walked.set(k, v));
          expect(walked).toEqual(m);
        }
      }),
    );
  });
});
