// The 12345 evaluation, pure: rates and stage times from incident records, by any grouping.
// Every formula is written out in README.md ("Evaluation"); the cohort is the incidents created in
// the chosen time range (merged and rejected reports are not cases and are left out).

import { median } from './time.ts';
import { INCIDENT_STATUSES, type DeadlineState, type EventSource, type Incident, type IncidentClock, type IncidentStatus, type Satisfaction } from './types.ts';

/** One incident as evaluation needs it: its stage times, clock facts and what happened to it. */
export interface EvaluationRecord {
  id: string;
  code: string;
  districtId: string | null;
  gridId: string | null;
  category: string | null;
  source: EventSource;
  status: Incident['status'];
  createdAt: string;
  stageAt: Incident['stageAt'];
  satisfaction: Satisfaction | null;
  /** The callback's answer to "was it solved?", when asked. */
  callbackResolved: boolean | null;
  clock: IncidentClock | null;
  deadline: DeadlineState | null;
  escalationLevel: number;
  repeatCount: number;
  /** Every unit that held a task on it. */
  unitIds: string[];
  /** Times the field returned it (退回), and times a supervisor reopened it or failed its verification. */
  returns: number;
  reopens: number;
  /** A resolving task carried a photo or a note. */
  evidence: boolean;
}

export interface StageTimes {
  median: number | null;
  p90: number | null;
}

export interface Evaluation {
  cases: number;
  dispatched: number;
  acceptedInTime: number;
  /** 响应率: accepted within the accept limit ÷ dispatched. */
  responseRate: number | null;
  callbacks: number;
  callbacksResolved: number;
  closedInTime: number;
  /** Cases not from the hotline whose case clock started (dispatched). */
  othersDispatched: number;
  /** 解决率: (callbacks answering resolved + other cases closed within the case limit) ÷ (callbacks + other dispatched cases). */
  resolutionRate: number | null;
  satisfied: number;
  /** 满意率: (满意 + 基本满意) ÷ callbacks. */
  satisfactionRate: number | null;
  /** Minutes per stage: dispatch (created → dispatched), accept, arrive, resolve (arrived or accepted → resolved). */
  stageMinutes: { dispatch: StageTimes; accept: StageTimes; arrive: StageTimes; resolve: StageTimes };
  /** Open cases whose current stage's limit has run out. */
  overdue: number;
  /** Cases escalated (督办) at least to level 1. */
  escalated: number;
  /** Reopened (or failed verification) ÷ cases that reached resolved. */
  reopenRate: number | null;
  /** Returned by the field at least once ÷ dispatched. */
  returnRate: number | null;
  /** Closed without a photo or note ÷ closed. */
  noEvidenceRate: number | null;
}

const ratio = (n: number, d: number) => (d > 0 ? Math.round((n / d) * 10_000) / 10_000 : null);
const minutesBetween = (from: string | undefined, to: string | undefined) => {
  if (!from || !to) return null;
  const m = (Date.parse(to) - Date.parse(from)) / 60_000;
  return m >= 0 ? m : null;
};

/** Nearest-rank percentile (p in 0..1) of a list, or null when empty. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

function stageTimes(values: number[]): StageTimes {
  const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return { median: round1(median(values)), p90: round1(percentile(values, 0.9)) };
}

/** A callback answers resolved as the caller said; when the question was not asked, unless they were dissatisfied. */
export function callbackResolved(record: Pick<EvaluationRecord, 'satisfaction' | 'callbackResolved'>): boolean {
  return record.callbackResolved ?? record.satisfaction !== 'dissatisfied';
}

/** The statuses whose stage clock can run out (a resolved case waits on verification, not a limit). */
export const OVERDUE_STATUSES: readonly IncidentStatus[] = INCIDENT_STATUSES.filter((s) => !['resolved', 'closed', 'rejected', 'merged'].includes(s));

/** Open and past its current stage's due time at `now` (a paused clock is never overdue). */
export function isOverdue(record: Pick<EvaluationRecord, 'status' | 'deadline'>, now: string): boolean {
  const d = record.deadline;
  if (!d || d.paused || !d.dueAt) return false;
  return OVERDUE_STATUSES.includes(record.status) && Date.parse(d.dueAt) <= Date.parse(now);
}

export function evaluate(all: readonly EvaluationRecord[], now: string): Evaluation {
  const records = all.filter((r) => r.status !== 'merged' && r.status !== 'rejected');
  const dispatched = records.filter((r) => r.stageAt.dispatched);
  const acceptedInTime = dispatched.filter((r) => r.stageAt.accepted && r.clock?.finished.accept !== undefined && r.clock.finished.accept <= 1);
  const callbacks = records.filter((r) => r.source === 'hotline' && r.satisfaction !== null);
  const callbacksResolved = callbacks.filter((r) => callbackResolved(r));
  const others = dispatched.filter((r) => r.source !== 'hotline');
  const closedInTime = others.filter((r) => r.status === 'closed' && r.clock?.finished.case !== undefined && r.clock.finished.case <= 1);
  const satisfied = callbacks.filter((r) => r.satisfaction === 'satisfied' || r.satisfaction === 'basically_satisfied');
  const closed = records.filter((r) => r.status === 'closed');
  const reachedResolved = records.filter((r) => r.stageAt.resolved);
  const collect = (pick: (r: EvaluationRecord) => number | null) => records.map(pick).filter((v): v is number => v !== null);
  return {
    cases: records.length,
    dispatched: dispatched.length,
    acceptedInTime: acceptedInTime.length,
    responseRate: ratio(acceptedInTime.length, dispatched.length),
    callbacks: callbacks.length,
    callbacksResolved: callbacksResolved.length,
    closedInTime: closedInTime.length,
    othersDispatched: others.length,
    resolutionRate: ratio(callbacksResolved.length + closedInTime.length, callbacks.length + others.length),
    satisfied: satisfied.length,
    satisfactionRate: ratio(satisfied.length, callbacks.length),
    stageMinutes: {
      dispatch: stageTimes(collect((r) => minutesBetween(r.createdAt, r.stageAt.dispatched))),
      accept: stageTimes(collect((r) => minutesBetween(r.stageAt.dispatched, r.stageAt.accepted))),
      arrive: stageTimes(collect((r) => minutesBetween(r.stageAt.accepted, r.stageAt.on_scene))),
      resolve: stageTimes(collect((r) => minutesBetween(r.stageAt.on_scene ?? r.stageAt.accepted, r.stageAt.resolved))),
    },
    overdue: records.filter((r) => isOverdue(r, now)).length,
    escalated: records.filter((r) => r.escalationLevel >= 1).length,
    reopenRate: ratio(reachedResolved.filter((r) => r.reopens > 0).length, reachedResolved.length),
    returnRate: ratio(dispatched.filter((r) => r.returns > 0).length, dispatched.length),
    noEvidenceRate: ratio(closed.filter((r) => !r.evidence).length, closed.length),
  };
}

export type GroupBy = 'district' | 'unit' | 'category';

export interface EvaluationRow extends Evaluation {
  key: string;
  /** Place in the ranking (1 = best) by `score`. */
  rank: number;
  /** Mean of the response, resolution and satisfaction rates that exist; null when none does. */
  score: number | null;
}

/** Evaluation per district, unit or category, ranked best first by the mean of the three 12345 rates. */
export function evaluateBy(records: readonly EvaluationRecord[], by: GroupBy, now: string): EvaluationRow[] {
  const groups = new Map<string, EvaluationRecord[]>();
  const add = (key: string | null, r: EvaluationRecord) => {
    if (!key) return;
    let list = groups.get(key);
    if (!list) groups.set(key, (list = []));
    list.push(r);
  };
  for (const r of records) {
    if (by === 'unit') for (const u of r.unitIds) add(u, r);
    else add(by === 'district' ? r.districtId : r.category, r);
  }
  const rows = [...groups].map(([key, list]) => {
    const e = evaluate(list, now);
    const rates = [e.responseRate, e.resolutionRate, e.satisfactionRate].filter((v): v is number => v !== null);
    const score = rates.length ? Math.round((rates.reduce((a, b) => a + b, 0) / rates.length) * 10_000) / 10_000 : null;
    return { key, ...e, score, rank: 0 };
  });
  rows.sort((a, b) => (b.score ?? -1) - (a.score ?? -1) || b.cases - a.cases || a.key.localeCompare(b.key));
  rows.forEach((row, i) => {
    row.rank = i + 1;
  });
  return rows;
}

export interface Hotspot {
  gridId: string;
  districtId: string | null;
  category: string;
  /** Complaints (each call, repeated ones included) in the 30 days. */
  complaints: number;
  /** Complaints per week, oldest first (weeks ending at `now`; the first holds the 2 extra days). */
  weekly: number[];
  trend: 'up' | 'down' | 'flat';
}

/**
 * 每月一题: grid × category pairs with the most repeated hotline complaints over the 30 days before
 * `now`, with the trend (the last 15 days against the 15 before).
 */
export function hotspots(records: readonly EvaluationRecord[], now: string, limit = 10): Hotspot[] {
  const end = Date.parse(now);
  const start = end - 30 * 86_400_000;
  const mid = end - 15 * 86_400_000;
  const pairs = new Map<string, { h: Hotspot; early: number; late: number }>();
  for (const r of records) {
    const at = Date.parse(r.createdAt);
    if (r.source !== 'hotline' || !r.gridId || !r.category || at < start || at >= end) continue;
    const key = `${r.gridId}|${r.category}`;
    let entry = pairs.get(key);
    if (!entry) {
      entry = { h: { gridId: r.gridId, districtId: r.districtId, category: r.category, complaints: 0, weekly: [0, 0, 0, 0], trend: 'flat' }, early: 0, late: 0 };
      pairs.set(key, entry);
    }
    const n = 1 + r.repeatCount;
    entry.h.complaints += n;
    const week = Math.min(3, Math.floor((end - at) / (7 * 86_400_000)));
    entry.h.weekly[3 - week]! += n;
    if (at >= mid) entry.late += n;
    else entry.early += n;
  }
  return [...pairs.values()]
    .filter((e) => e.h.complaints >= 2)
    .map((e) => ({ ...e.h, trend: (e.late > e.early ? 'up' : e.late < e.early ? 'down' : 'flat') as Hotspot['trend'] }))
    .sort((a, b) => b.complaints - a.complaints || a.gridId.localeCompare(b.gridId) || a.category.localeCompare(b.category))
    .slice(0, limit);
}
