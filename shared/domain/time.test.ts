import { describe, expect, it } from 'vitest';
import { localDateCode, localDayStart, localHour, median, zoneOffsetMinutes } from './time.ts';

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

describe('zone offsets served from the quarter-hour cache', () => {
  // Independent of the code under test: Intl asked directly, minute by minute.
  function intlOffset(ms: number, timeZone: string): number {
    const fmt = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    const p = Object.fromEntries(fmt.formatToParts(new Date(ms)).filter((x) => x.type !== 'literal').map((x) => [x.type, Number(x.value)]));
    return Math.round((Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - Math.floor(ms / 1000) * 1000) / 60_000);
  }

  it.each([
    ['America/Chicago', '2026-03-08T06:00:00Z'],
    ['America/Chicago', '2026-11-01T05:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-04T14:00:00Z'],
    ['Asia/Kolkata', '2026-06-01T00:00:00Z'],
  ])('agree with Intl every minute around a change in %s (%s)', (zone, around) => {
    const centre = Date.parse(around);
    for (let ms = centre - 3 * 3600_000; ms <= centre + 3 * 3600_000; ms += 60_000 + 7_000) {
      expect(zoneOffsetMinutes(new Date(ms).toISOString(), zone), new Date(ms).toISOString()).toBe(intlOffset(ms, zone));
    }
  });
});
