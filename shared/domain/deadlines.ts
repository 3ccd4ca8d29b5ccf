// Deadline profiles and the clock on a case, pure: which stage's limit runs, how much of it is
// used, its traffic light, and which escalation step is due. The scheduler and the command path
// both stamp incidents with `stampDeadline`, so every screen reads the same state.

import { addOnClock, limitMs, pausedAt, usedMs, type ClockPause, type Limit, type WorkCalendar } from './workCalendar.ts';
import type { Category, DeadlineStage, DeadlineState, EscalationStep, Incident, Severity, TrafficLight } from './types.ts';

export const CLOCK_LIMITS = ['dispatch', 'accept', 'arrive', 'resolve', 'case'] as const;
export type ClockLimit = (typeof CLOCK_LIMITS)[number];

/** Limits for one category (or '*', or a branch of the tree) and severity (or '*'). */
export interface DeadlineProfile {
  category: string;
  severity: Severity | '*';
  limits: Record<ClockLimit, Limit>;
}

/** The share of a limit at which each escalation step is due. */
export const ESCALATION_AT: Readonly<Record<EscalationStep, number>> = { urge: 0.8, overdue: 1, level2: 1.5 };
const STEP_ORDER: readonly EscalationStep[] = ['urge', 'overdue', 'level2'];

/** Whole case: five working days unless a profile says otherwise. */
export const DEFAULT_CASE_LIMIT: Limit = { amount: 5, unit: 'work_days' };

/** green below 80% of the limit, yellow from 80% until it runs out, red once it has. */
export function lightFor(used: number): TrafficLight {
  if (used >= 1) return 'red';
  if (used >= ESCALATION_AT.urge) return 'yellow';
  return 'green';
}

/**
 * The most specific profile: exact category and severity, then the category with any severity,
 * then each branch above it in the category tree, then '*'. Falls back to the category's own
 * minute limits from the reference data.
 */
export function profileFor(profiles: readonly DeadlineProfile[], category: string | null, severity: Severity, fallback?: Category): DeadlineProfile | undefined {
  const codes: string[] = [];
  if (category) {
    const parts = category.split('.');
    for (let n = parts.length; n > 0; n -= 1) codes.push(parts.slice(0, n).join('.'));
  }
  const find = (code: string, sev: Severity | '*') => profiles.find((p) => p.category === code && p.severity === sev);
  for (const code of codes) {
    const hit = find(code, severity) ?? find(code, '*');
    if (hit) return hit;
  }
  if (fallback) return profileFromCategory(fallback);
  return find('*', severity) ?? find('*', '*');
}

export function profileFromCategory(category: Category): DeadlineProfile {
  const d = category.deadlinesMin;
  const min = (amount: number): Limit => ({ amount, unit: 'minutes' });
  return {
    category: category.code,
    severity: '*',
    limits: { dispatch: min(d.dispatch), accept: min(d.accept), arrive: min(d.arrive), resolve: min(d.resolve), case: DEFAULT_CASE_LIMIT },
  };
}

/** The stage whose limit is running, and when it started; null when no stage clock runs. */
export function currentStage(incident: Pick<Incident, 'status' | 'stageAt' | 'createdAt'>): { stage: DeadlineStage; startedAt: string } | null {
  const at = incident.stageAt;
  switch (incident.status) {
    case 'new':
    case 'triaged':
      // Back in the queue after a return or reopen: the dispatch clock restarts then.
      return { stage: 'dispatch', startedAt: at.dispatched && at.triaged && at.triaged > at.dispatched ? at.triaged : incident.createdAt };
    case 'dispatched':
      return at.dispatched ? { stage: 'accept', startedAt: at.dispatched } : null;
    case 'accepted':
      return at.accepted ? { stage: 'arrive', startedAt: at.accepted } : null;
    case 'on_scene':
      return at.on_scene ? { stage: 'resolve', startedAt: at.on_scene } : null;
    default:
      return null;
  }
}

function pausesOf(incident: Pick<Incident, 'pauses'>): ClockPause[] {
  return (incident.pauses ?? []).map((p) => ({ from: p.from, to: p.to }));
}

const round3 = (v: number) => Math.round(v * 1000) / 1000;

/** Share of `limit` used between `start` and `now`, minus pauses. */
export function shareUsed(limit: Limit, calendar: WorkCalendar, start: string, now: string, pauses: readonly ClockPause[]): number {
  return usedMs(limit, calendar, start, now, pauses) / limitMs(limit, calendar);
}

/**
 * The deadline state of an incident at `now`. Escalation steps already taken stay recorded
 * while the same stage (same start) runs; a new stage starts with none.
 */
export function computeDeadline(incident: Incident, profile: DeadlineProfile, calendar: WorkCalendar, asOf: string): DeadlineState | null {
  const current = currentStage(incident);
  if (!current) return null;
  // A clock read a moment before its stage started (another process's clock) counts from the start.
  const now = Date.parse(asOf) < Date.parse(current.startedAt) ? current.startedAt : asOf;
  const limit = profile.limits[current.stage];
  const pauses = pausesOf(incident);
  const total = limitMs(limit, calendar);
  const used = usedMs(limit, calendar, current.startedAt, now, pauses);
  const pause = pausedAt(pauses, now);
  const previous = incident.deadline;
  const fired = previous && previous.stage === current.stage && previous.startedAt === current.startedAt ? [...(previous.fired ?? [])] : [];
  let nextAt: string | null;
  if (pause) nextAt = pause.to;
  else {
    const next = STEP_ORDER.find((s) => !fired.includes(s));
    nextAt = next ? addOnClock(limit, calendar, now, ESCALATION_AT[next] * total - used) : null;
  }
  const caseStart = incident.clock?.caseStartedAt ?? null;
  const caseLimit = profile.limits.case;
  return {
    stage: current.stage,
    dueAt: pause ? null : addOnClock(limit, calendar, now, total - used),
    used: round3(used / total),
    light: lightFor(used / total),
    ...(pause ? { paused: true } : {}),
    startedAt: current.startedAt,
    limitMinutes: Math.round(total / 60_000),
    nextAt,
    fired,
    caseDueAt: caseStart && !pause ? addOnClock(caseLimit, calendar, now, limitMs(caseLimit, calendar) - usedMs(caseLimit, calendar, caseStart, now, pauses)) : null,
  };
}

/** The next escalation step due at `now`, in order, or null. Paused clocks never escalate. */
export function escalationDue(deadline: DeadlineState | null | undefined): EscalationStep | null {
  if (!deadline || deadline.paused) return null;
  const fired = deadline.fired ?? [];
  for (const step of STEP_ORDER) {
    if (fired.includes(step)) continue;
    return deadline.used >= ESCALATION_AT[step] ? step : null;
  }
  return null;
}

/**
 * Stamp an incident after a command at `now`: record the share used by a stage that just ended
 * (and of the whole case on closing), start the case clock at the first dispatch, and compute
 * the new stage's deadline. `before` is the incident as it was before the command.
 */
export function stampDeadline(before: Incident, after: Incident, profile: DeadlineProfile, calendar: WorkCalendar, now: string): Incident {
  const clock = { caseStartedAt: before.clock?.caseStartedAt ?? null, finished: { ...(before.clock?.finished ?? {}) } };
  const pauses = pausesOf(after);
  const was = currentStage(before);
  const is = currentStage(after);
  if (was && (!is || is.stage !== was.stage || is.startedAt !== was.startedAt)) {
    clock.finished[was.stage] = round3(shareUsed(profile.limits[was.stage], calendar, was.startedAt, now, pauses));
  }
  if (!clock.caseStartedAt && after.stageAt.dispatched) clock.caseStartedAt = after.stageAt.dispatched;
  if (after.status === 'closed' && before.status !== 'closed' && clock.caseStartedAt) {
    clock.finished.case = round3(shareUsed(profile.limits.case, calendar, clock.caseStartedAt, now, pauses));
  }
  const next: Incident = { ...after, clock };
  next.deadline = computeDeadline(next, profile, calendar, now);
  return next;
}

/** Two deadline states say the same to a screen and to the scheduler. */
export function sameDeadline(a: DeadlineState | null | undefined, b: DeadlineState | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  return a.stage === b.stage && a.dueAt === b.dueAt && a.light === b.light && a.nextAt === b.nextAt && !!a.paused === !!b.paused && a.startedAt === b.startedAt && a.caseDueAt === b.caseDueAt && (a.fired ?? []).join() === (b.fired ?? []).join();
}
