import { describe, expect, it } from 'vitest';
import { parseHotspots } from './hotspots.ts';

describe('hotspots', () => {
  it('reads grid × category pairs, most first, and drops what it cannot use', () => {
    const list = parseHotspots({
      items: [
        { gridId: 'CA01-G001', category: 'a.b', count: 3, trend: 2 },
        { gridId: 'CA02-G002', category: 'a.c', count: 9, trend: 'down' },
        { category: 'x', count: 4 },
        'nonsense',
      ],
    });
    expect(list).toEqual([
      { gridId: 'CA02-G002', category: 'a.c', count: 9, trend: 'down' },
      { gridId: 'CA01-G001', category: 'a.b', count: 3, trend: 'up' },
    ]);
    expect(parseHotspots([{ grid: 'g', repeats: 1 }])).toEqual([{ gridId: 'g', category: null, count: 1, trend: 'flat' }]);
    expect(parseHotspots(null)).toEqual([]);
  });
});
