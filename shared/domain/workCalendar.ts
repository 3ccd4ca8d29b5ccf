// Working-time arithmetic against a working calendar (working hours, weekends, holidays), in the
// city's time zone. Pure: every instant is passed in. Limits in working hours or working days are
// measured only over working time, so a case filed on Friday evening is not overdue on Monday.

import { zoneOffsetMinutes } from './time.ts';

export interface WorkCalendar {
  timeZone: string;
  /** Working periods of a working day, minutes after local midnight, sorted, non-overlapping ([540, 720] = 09:00–12:00). */
  hours: [number, number][];
  /** Working weekdays, 0 = Sunday … 6 = Saturday. */
  weekdays: number[];
  /** Local dates (YYYY-MM-DD) that are days off although they fall on a working weekday. */
  holidays: string[];
  /** Local dates that are working days although they fall on a weekend (调休 make-up days). */
  extraWorkdays: string[];
}

export const LIMIT_UNITS = ['minutes', 'work_hours', 'work_days'] as const;
export type LimitUnit = (typeof LIMIT_UNITS)[number];

/** A time limit: wall-clock minutes, or working hours / working days on the calendar. */
export interface Limit {
  amount: number;
  unit: LimitUnit;
}

/** A span during which a clock does not run (approved extension or suspension); open when `to` is null. */
export interface ClockPause {
  from: string;
  to: string | null;
}

const DAY_MS = 86_400_000;
const MAX_DAYS = 3_700;

/** Parse "09:00-12:00,13:00-18:00" into working periods; throws naming the bad part. */
export function parseWorkHours(text: string): [number, number][] {
  const periods = text.split(',').map((part) => {
    const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(part);
    if (!m) throw new Error(`bad working period "${part}" (expected HH:MM-HH:MM)`);
    const from = Number(m[1]) * 60 + Number(m[2]);
    const to = Number(m[3]) * 60 + Number(m[4]);
    if (from >= to || to > 1440) throw new Error(`bad working period "${part}"`);
    return [from, to] as [number, number];
  });
  periods.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < periods.length; i += 1) if (periods[i]![0] < periods[i - 1]![1]) throw new Error('working periods overlap');
  return periods;
}

/** Minutes of working time in one working day (the length of a "working day" limit). */
export function workDayMinutes(calendar: WorkCalendar): number {
  return calendar.hours.reduce((sum, [from, to]) => sum + (to - from), 0);
}

interface LocalDate {
  y: number;
  m: number;
  d: number;
}

function localDateOf(ms: number, timeZone: string): LocalDate {
  const shifted = new Date(ms + zoneOffsetMinutes(new Date(ms).toISOString(), timeZone) * 60_000);
  return { y: shifted.getUTCFullYear(), m: shifted.getUTCMonth() + 1, d: shifted.getUTCDate() };
}

function nextDate({ y, m, d }: LocalDate, step = 1): LocalDate {
  const t = new Date(Date.UTC(y, m - 1, d + step));
  return { y: t.getUTCFullYear(), m: t.getUTCMonth() + 1, d: t.getUTCDate() };
}

function dateKey({ y, m, d }: LocalDate): string {
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** The instant of a local wall-clock time (minutes after midnight) on a local date. */
function instantOf(date: LocalDate, minutes: number, timeZone: string): number {
  const naive = Date.UTC(date.y, date.m - 1, date.d) + minutes * 60_000;
  // Two passes settle the offset across a DST change.
  let guess = naive - zoneOffsetMinutes(new Date(naive).toISOString(), timeZone) * 60_000;
  guess = naive - zoneOffsetMinutes(new Date(guess).toISOString(), timeZone) * 60_000;
  return guess;
}

export function isWorkday(calendar: WorkCalendar, date: LocalDate): boolean {
  const key = dateKey(date);
  if (calendar.extraWorkdays.includes(key)) return true;
  if (calendar.holidays.includes(key)) return false;
  return calendar.weekdays.includes(new Date(Date.UTC(date.y, date.m - 1, date.d)).getUTCDay());
}

/** Working periods of the local days overlapping [fromMs, …), as instants, in order. */
function* workPeriods(calendar: WorkCalendar, fromMs: number): Generator<[number, number]> {
  let date = localDateOf(fromMs - DAY_MS, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS; i += 1, date = nextDate(date)) {
    if (!isWorkday(calendar, date)) continue;
    for (const [from, to] of calendar.hours) {
      const start = instantOf(date, from, calendar.timeZone);
      const end = instantOf(date, to, calendar.timeZone);
      if (end > fromMs) yield [start, end];
    }
  }
}

/** Working periods of the local days overlapping (…, toMs], as instants, latest first. */
function* workPeriodsBack(calendar: WorkCalendar, toMs: number): Generator<[number, number]> {
  let date = localDateOf(toMs + DAY_MS, calendar.timeZone);
  for (let i = 0; i < MAX_DAYS; i += 1, date = nextDate(date, -1)) {
    if (!isWorkday(calendar, date)) continue;
    for (const [from, to] of [...calendar.hours].reverse()) {
      const start = instantOf(date, from, calendar.timeZone);
      const end = instantOf(date, to, calendar.timeZone);
      if (start < toMs) yield [start, end];
    }
  }
}

/** Working milliseconds in [from, to). */
function workMsBetween(calendar: WorkCalendar, fromMs: number, toMs: number): number {
  if (toMs <= fromMs) return 0;
  let total = 0;
  for (const [start, end] of workPeriods(calendar, fromMs)) {
    if (start >= toMs) break;
    total += Math.min(end, toMs) - Math.max(start, fromMs);
  }
  return total;
}

/** The instant after `fromMs` at which `workMs` of working time has passed (before it, when negative). */
function addWorkMs(calendar: WorkCalendar, fromMs: number, workMs: number): number {
  let left = workMs;
  if (left === 0) return fromMs;
  if (left < 0) {
    left = -left;
    for (const [start, end] of workPeriodsBack(calendar, fromMs)) {
      const e = Math.min(end, fromMs);
      if (e - start >= left) return e - left;
      left -= e - start;
    }
    throw new Error('working calendar has no working time');
  }
  for (const [start, end] of workPeriods(calendar, fromMs)) {
    const s = Math.max(start, fromMs);
    if (end - s >= left) return s + left;
    left -= end - s;
  }
  throw new Error('working calendar has no working time');
}

/** The clock a limit runs on: how much of it passes between two instants, in milliseconds. */
function measure(limit: Limit, calendar: WorkCalendar, fromMs: number, toMs: number): number {
  return limit.unit === 'minutes' ? Math.max(0, toMs - fromMs) : workMsBetween(calendar, fromMs, toMs);
}

/** A limit's length in milliseconds of its own clock (a working day is one day's working time). */
export function limitMs(limit: Limit, calendar: WorkCalendar): number {
  switch (limit.unit) {
    case 'minutes':
      return limit.amount * 60_000;
    case 'work_hours':
      return limit.amount * 3_600_000;
    case 'work_days':
      return limit.amount * workDayMinutes(calendar) * 60_000;
  }
}

/** Time on the limit's clock used between `start` and `now`, not counting pauses. */
export function usedMs(limit: Limit, calendar: WorkCalendar, start: string, now: string, pauses: readonly ClockPause[] = []): number {
  const s = Date.parse(start);
  const n = Date.parse(now);
  let used = measure(limit, calendar, s, n);
  for (const p of pauses) {
    const from = Math.max(s, Date.parse(p.from));
    const to = Math.min(n, p.to === null ? n : Date.parse(p.to));
    if (to > from) used -= measure(limit, calendar, from, to);
  }
  return Math.max(0, used);
}

/** The instant at which `ms` more of the limit's clock will have passed after `now` (negative: had passed before it). */
export function addOnClock(limit: Limit, calendar: WorkCalendar, now: string, ms: number): string {
  const n = Date.parse(now);
  const at = limit.unit === 'minutes' ? n + ms : addWorkMs(calendar, n, ms);
  return new Date(at).toISOString();
}

/** When a limit started at `start` runs out (assuming no pause after `now`). */
export function dueAt(limit: Limit, calendar: WorkCalendar, start: string, now: string, pauses: readonly ClockPause[] = []): string {
  return addOnClock(limit, calendar, now, limitMs(limit, calendar) - usedMs(limit, calendar, start, now, pauses));
}

/** A clock is paused at `now` if an approved pause covers it. */
export function pausedAt(pauses: readonly ClockPause[], now: string): ClockPause | undefined {
  const n = Date.parse(now);
  return pauses.find((p) => Date.parse(p.from) <= n && (p.to === null || Date.parse(p.to) > n));
}
