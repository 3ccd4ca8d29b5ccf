import { describe, expect, it } from 'vitest';
import { parseHotspots } from './hotspots.ts';

describe('hotspots', () => {
  it('reads grid × category pairs, most first, and drops what it cannot use', () => {
    const list = parseHotspots({
      items: [
        { gridId: 'CA01-G001', districtId: 'CA01', category: 'a.b', complaints: 3, weekly: [0, 0, 1, 2], trend: 'up' },
        { gridId: 'CA02-G002', districtId: 'CA02', category: 'a.c', complaints: 9, weekly: [5, 2, 1, 1], trend: 'down' },
        { category: 'x', complaints: 4 },
        { gridId: 'CA03-G003', category: 'a.d', count: 7 },
        'nonsense',
      ],
    });
    expect(list).toEqual([
      { gridId: 'CA02-G002', category: 'a.c', count: 9, trend: 'down' },
      { gridId: 'CA01-G001', category: 'a.b', count: 3, trend: 'up' },
    ]);
    expect(parseHotspots([{ gridId: 'g', complaints: 1 }])).toEqual([{ gridId: 'g', category: null, count: 1, trend: 'flat' }]);
    expect(parseHotspots(null)).toEqual([]);
  });
});
