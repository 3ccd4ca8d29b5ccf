import { describe, expect, it } from 'vitest';
import { addOnClock, dueAt, limitMs, parseWorkHours, usedMs, type Limit, type WorkCalendar } from './workCalendar.ts';

// Shanghai has no daylight saving: local = UTC+8. 2026-11-27 is a Friday, 2026-10-01..07 the National Day holiday,
// Saturday 2026-10-10 a make-up working day.
const shanghai: WorkCalendar = {
  timeZone: 'Asia/Shanghai',
  hours: parseWorkHours('09:00-12:00,13:00-18:00'),
  weekdays: [1, 2, 3, 4, 5],
  holidays: ['2026-10-01', '2026-10-02', '2026-10-03', '2026-10-04', '2026-10-05', '2026-10-06', '2026-10-07'],
  extraWorkdays: ['2026-10-10'],
};
const chicago: WorkCalendar = { ...shanghai, timeZone: 'America/Chicago', holidays: [], extraWorkdays: [] };

const hours = (amount: number): Limit => ({ amount, unit: 'work_hours' });
/** Local Shanghai wall time → ISO instant. */
const sh = (local: string) => new Date(`${local}+08:00`).toISOString();

describe('due time of a limit on the working calendar', () => {
  it.each([
    ['inside one working period', sh('2026-11-30T10:00:00'), hours(2), sh('2026-11-30T12:00:00')],
    ['across the lunch break', sh('2026-11-30T11:00:00'), hours(2), sh('2026-11-30T14:00:00')],
    ['across a night', sh('2026-11-30T17:00:00'), hours(2), sh('2026-12-01T10:00:00')],
    ['across a weekend', sh('2026-11-27T17:30:00'), hours(1), sh('2026-11-30T09:30:00')],
    ['started at night on a Saturday', sh('2026-11-28T03:00:00'), hours(1), sh('2026-11-30T10:00:00')],
    ['across a week of holidays', sh('2026-09-30T17:00:00'), hours(2), sh('2026-10-08T10:00:00')],
    ['onto a make-up Saturday', sh('2026-10-09T17:00:00'), hours(2), sh('2026-10-10T10:00:00')],
    ['one working day is one day of working time', sh('2026-11-30T10:00:00'), { amount: 1, unit: 'work_days' } as Limit, sh('2026-12-01T10:00:00')],
    ['minutes ignore the calendar', sh('2026-11-27T17:30:00'), { amount: 90, unit: 'minutes' } as Limit, sh('2026-11-27T19:00:00')],
    ['ending exactly at the close of day', sh('2026-11-30T17:00:00'), hours(1), sh('2026-11-30T18:00:00')],
  ])('%s', (_what, start, limit, expected) => {
    expect(dueAt(limit, shanghai, start, start)).toBe(expected);
  });

  it('keeps working hours local across the daylight-saving change (Chicago, 8 March 2026)', () => {
    // Friday 17:00 CST (UTC-6) + 2 working hours → Monday 10:00 CDT (UTC-5).
    expect(dueAt(hours(2), chicago, '2026-03-06T23:00:00.000Z', '2026-03-06T23:00:00.000Z')).toBe('2026-03-09T15:00:00.000Z');
  });
});

describe('time used, with pauses', () => {
  const start = sh('2026-11-30T09:00:00');
  it.each([
    ['no pause', [], sh('2026-11-30T15:00:00'), 5],
    ['a closed pause is not counted', [{ from: sh('2026-11-30T10:00:00'), to: sh('2026-11-30T11:00:00') }], sh('2026-11-30T15:00:00'), 4],
    ['an open pause stops the clock until now', [{ from: sh('2026-11-30T14:00:00'), to: null }], sh('2026-11-30T17:00:00'), 4],
    ['a pause over the night costs only working time', [{ from: sh('2026-11-30T17:00:00'), to: sh('2026-12-01T10:00:00') }], sh('2026-12-01T11:00:00'), 8 + 2 - 2],
    ['time before the start does not count', [{ from: sh('2026-11-29T09:00:00'), to: sh('2026-11-30T10:00:00') }], sh('2026-11-30T12:00:00'), 2],
  ])('%s', (_what, pauses, now, expectedHours) => {
    expect(usedMs(hours(8), shanghai, start, now, pauses) / 3_600_000).toBe(expectedHours);
  });

  it('resumes after a pause: the due time moves by the paused working time', () => {
    const pauses = [{ from: sh('2026-11-30T10:00:00'), to: sh('2026-12-01T10:00:00') }];
    // Without the pause 8 working hours from Monday 09:00 run out Monday 18:00; the pause took 8 working hours.
    expect(dueAt(hours(8), shanghai, start, start)).toBe(sh('2026-11-30T18:00:00'));
    expect(dueAt(hours(8), shanghai, start, sh('2026-12-01T11:00:00'), pauses)).toBe(sh('2026-12-01T18:00:00'));
  });

  it('a limit in working days has the length of the working day', () => {
    expect(limitMs({ amount: 2, unit: 'work_days' }, shanghai)).toBe(16 * 3_600_000);
    expect(addOnClock(hours(1), shanghai, sh('2026-11-30T12:30:00'), 30 * 60_000)).toBe(sh('2026-11-30T13:30:00'));
  });

  it('refuses a malformed working period, naming it', () => {
    expect(() => parseWorkHours('09:00-12:00,1300-1800')).toThrow('1300-1800');
    expect(() => parseWorkHours('12:00-09:00')).toThrow();
  });
});

describe('an overdue limit', () => {
  it('reports the due time in the past, on working time', () => {
    // 2 working hours from Friday 17:00 ran out Monday 10:00; seen on Monday 14:00 (3 working hours late).
    expect(dueAt(hours(2), shanghai, sh('2026-11-27T17:00:00'), sh('2026-11-30T14:00:00'))).toBe(sh('2026-11-30T10:00:00'));
    expect(addOnClock(hours(1), shanghai, sh('2026-11-30T09:30:00'), -3_600_000)).toBe(sh('2026-11-27T17:30:00'));
  });
});
