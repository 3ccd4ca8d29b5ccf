// Pure: the city's state → the series the big screen's charts draw. No clock: `now` is passed in.

import type { Alarm, Category, CityMetrics, Incident } from '../../../shared/domain/types.ts';
import type { Locale } from '../../../shared/i18n/index.ts';
import { isOpen } from '../../../shared/domain/incidentMachine.ts';
import { localDayStart, localHour } from '../../../shared/domain/time.ts';

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
export function topCategories(incidents: Record<string, Incident>, categories: Record<string, Category>, locale: Locale, otherName: string, n = 6): NamedCount[] {
  const counts = new Map<string, number>();
  for (const i of Object.values(incidents)) {
    if (!isOpen(i.status)) continue;
    const key = i.category ?? '';
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
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
  /** Provisional: dispatched cases accepted ÷ dispatched cases. */
  response: number | null;
  /** Provisional: resolved or closed ÷ all cases. */
  resolution: number | null;
  /** Provisional: (satisfied + basically satisfied) ÷ rated cases. */
  satisfaction: number | null;
  /** Mean of the rates that exist. */
  score: number;
  cases: number;
}

const ACCEPTED_OR_LATER = new Set(['accepted', 'on_scene', 'resolved', 'closed']);
const RESOLVED = new Set(['resolved', 'closed']);

/**
 * Provisional district ranking from the cases this screen holds. The evaluation service will
 * state the real 12345 rates; until then the screen labels these as provisional.
 */
export function districtRanking(incidents: Record<string, Incident>, n = 8, minCases = 3): DistrictRates[] {
  const acc = new Map<string, { cases: number; dispatched: number; accepted: number; resolved: number; rated: number; satisfied: number }>();
  for (const i of Object.values(incidents)) {
    if (!i.districtId || i.status === 'merged' || i.status === 'rejected') continue;
    const a = acc.get(i.districtId) ?? { cases: 0, dispatched: 0, accepted: 0, resolved: 0, rated: 0, satisfied: 0 };
    a.cases += 1;
    if (i.stageAt.dispatched || ACCEPTED_OR_LATER.has(i.status)) a.dispatched += 1;
    if (ACCEPTED_OR_LATER.has(i.status)) a.accepted += 1;
    if (RESOLVED.has(i.status)) a.resolved += 1;
    if (i.satisfaction) {
      a.rated += 1;
      if (i.satisfaction !== 'dissatisfied') a.satisfied += 1;
    }
    acc.set(i.districtId, a);
  }
  const ratio = (num: number, den: number) => (den > 0 ? num / den : null);
  const out: DistrictRates[] = [];
  for (const [districtId, a] of acc) {
    if (a.cases < minCases) continue;
    const response = ratio(a.accepted, a.dispatched);
    const resolution = ratio(a.resolved, a.cases);
    const satisfaction = ratio(a.satisfied, a.rated);
    const present = [response, resolution, satisfaction].filter((v): v is number => v !== null);
    out.push({ districtId, response, resolution, satisfaction, cases: a.cases, score: present.length ? present.reduce((x, y) => x + y, 0) / present.length : 0 });
  }
  return out.sort((x, y) => y.score - x.score || y.cases - x.cases || x.districtId.localeCompare(y.districtId)).slice(0, n);
}

export interface DeadlineShare {
  green: number;
  yellow: number;
  red: number;
  /** Share of clocked open work within its deadline (green + yellow), or null with no clocks. */
  within: number | null;
}

/** Open work with a running clock, by traffic light. */
export function deadlineShare(incidents: Record<string, Incident>): DeadlineShare {
  const s: DeadlineShare = { green: 0, yellow: 0, red: 0, within: null };
  for (const i of Object.values(incidents)) {
    if (!isOpen(i.status) || !i.deadline || i.deadline.paused) continue;
    s[i.deadline.light] += 1;
  }
  const total = s.green + s.yellow + s.red;
  s.within = total ? (s.green + s.yellow) / total : null;
  return s;
}

/** Alarms raised per local hour today (sensors' alarm level, warnings apart). */
export function alarmsByHour(alarms: Record<string, Alarm>, now: string, timeZone: string): { alarm: number[]; warn: number[] } {
  const dayStart = localDayStart(now, timeZone);
  const alarm = new Array<number>(24).fill(0);
  const warn = new Array<number>(24).fill(0);
  for (const a of Object.values(alarms)) {
    if (a.raisedAt < dayStart || a.raisedAt > now) continue;
    (a.level === 'alarm' ? alarm : warn)[localHour(a.raisedAt, timeZone)]! += 1;
  }
  return { alarm, warn };
}
