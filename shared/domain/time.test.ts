import { describe, expect, it } from 'vitest';
import { localDateCode, localDayStart, localHour, median } from './time.ts';

describe('city time', () => {
  it('finds local midnight in Chicago, in winter and in summer', () => {
    expect(localDayStart('2026-11-22T08:30:00.000Z', 'America/Chicago')).toBe('2026-11-22T06:00:00.000Z');
    expect(localDayStart('2026-07-01T03:00:00.000Z', 'America/Chicago')).toBe('2026-06-30T05:00:00.000Z');
    expect(localDayStart('2026-11-22T08:30:00.000Z', 'Asia/Shanghai')).toBe('2026-11-21T16:00:00.000Z');
  });

  it('dates and hours are local', () => {
    expect(localDateCode('2026-11-22T03:00:00.000Z', 'America/Chicago')).toBe('20261121');
    expect(localHour('2026-11-22T15:10:00.000Z', 'America/Chicago')).toBe(9);
  });

  it('median of odd, even and empty lists', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNull();
  });
});
