// Pure: the city's state → the series the big screen's charts draw. No clock: `now` is passed in.

import type { Alarm, Category, CityMetrics, Incident } from '../../../shared/domain/types.ts';
import type { EvaluationRow } from '../../../shared/domain/evaluation.ts';
import type { Locale } from '../../../shared/i18n/index.ts';
import { isOpen } from '../../../shared/domain/incidentMachine.ts';
import { localDateCode, localDayStart, localHour } from '../../../shared/domain/time.ts';
import type { Table } from '../../../shared/domain/cityReducer.ts';

export interface HourlySeries {
  hours: string[];
  /** Today's counts up to the current hour; later hours are null (not yet happened). */
  today: (number | null)[];
  /** Yesterday's whole day, or null where the server does not state it. */
  yesterday: number[] | null;
}

export function hourlySeries(metrics: CityMetrics | null, currentHour: number): HourlySeries {
  const counts = metrics?.incidentsByHour ?? new Array<number>(24).fill(0);
  return {
    hours: counts.map((_, h) => String(h).padStart(2, '0')),
    today: counts.map((n, h) => (h > currentHour ? null : n)),
    yesterday: metrics?.yesterday?.incidentsByHour ?? null,
  };
}

export interface NamedCount {
  key: string;
  name: string;
  count: number;
}

/** Open incidents by category, most first, with names in the reader's language. */
export function topCategories(incidents: Table<Incident>, categories: Record<string, Category>, locale: Locale, otherName: string, n = 6): NamedCount[] {
  const counts = new Map<string, number>();
  incidents.forEach((i) => {
    if (!isOpen(i.status)) return;
    const key = i.category ?? '';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([key, count]) => {
      const c = categories[key];
      return { key, count, name: c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : otherName };
    });
}

export interface DistrictRates {
  districtId: string;
  /** 响应率, 解决率, 满意率 as the evaluation states them (GET /api/metrics/table?by=district). */
  response: number | null;
  resolution: number | null;
  satisfaction: number | null;
  /** Mean of the rates that exist. */
  score: number;
  cases: number;
}

/** The evaluation's district rows (ranked best first) → the chart's top `n`, leaving out districts with no rate yet. */
export function districtRanking(rows: readonly EvaluationRow[], n = 8): DistrictRates[] {
  const out: DistrictRates[] = [];
  for (const r of rows) {
    if (r.score === null) continue;
    out.push({ districtId: r.key, response: r.responseRate, resolution: r.resolutionRate, satisfaction: r.satisfactionRate, score: r.score, cases: r.cases });
    if (out.length === n) break;
  }
  return out;
}

/**
 * The instant this local month began: the 12345 evaluation ranks by month, as the supervisor's
 * table does. (Noon UTC of day 1 is day 1 in every zone from −12 to +11.)
 */
export function monthStart(now: string, timeZone: string): string {
  const code = localDateCode(now, timeZone);
  return localDayStart(`${code.slice(0, 4)}-${code.slice(4, 6)}-01T12:00:00.000Z`, timeZone);
}

export interface DeadlineShare {
  green: number;
  yellow: number;
  red: number;
  /** Share of clocked open work within its deadline (green + yellow), or null with no clocks. */
  within: number | null;
}

/** Open work with a running clock, by traffic light. */
export function deadlineShare(incidents: Table<Incident>): DeadlineShare {
  const s: DeadlineShare = { green: 0, yellow: 0, red: 0, within: null };
  incidents.forEach((i) => {
    if (!isOpen(i.status) || !i.deadline || i.deadline.paused) return;
    s[i.deadline.light] += 1;
  });
  const total = s.green + s.yellow + s.red;
  s.within = total ? (s.green + s.yellow) / total : null;
  return s;
}

/** Alarms raised per local hour today (sensors' alarm level, warnings apart). */
export function alarmsByHour(alarms: Table<Alarm>, now: string, timeZone: string): { alarm: number[]; warn: number[] } {
  const dayStart = localDayStart(now, timeZone);
  const alarm = new Array<number>(24).fill(0);
  const warn = new Array<number>(24).fill(0);
  for (const a of alarms.values()) {
    if (a.raisedAt < dayStart || a.raisedAt > now) continue;
    (a.level === 'alarm' ? alarm : warn)[localHour(a.raisedAt, timeZone)]! += 1;
  }
  return { alarm, warn };
}
