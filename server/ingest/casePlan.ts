// How a case of the demo city's past goes around the loop: a pure plan of the staff's steps and
// when each happens, drawn from a seeded random source. Most cases are handled within their
// limits; some run late at one stage, a few are returned by the unit (退单), fail verification
// (重办) or are never picked up, so the evaluation has something to say. No I/O, no clock.

import type { Satisfaction } from '../../shared/domain/types.ts';

export type CaseStep =
  | { kind: 'dispatch' }
  | { kind: 'accept' }
  | { kind: 'return' }
  | { kind: 'arrive' }
  | { kind: 'resolve' }
  | { kind: 'verify'; ok: boolean }
  | { kind: 'rate'; satisfaction: Satisfaction };

export interface PlannedStep {
  /** Milliseconds after the case was created. */
  afterMs: number;
  step: CaseStep;
}

export interface StageLimitsMin {
  dispatch: number;
  accept: number;
  arrive: number;
  resolve: number;
}

/** The odds behind the plan; the defaults give rates in the range real centers report. */
export const CASE_ODDS = {
  neverHandled: 0.03,
  lateAtStage: 0.07,
  /** Rarer at the last stage: its limit is hours, and a late case holds its unit all that time. */
  lateAtResolve: 0.02,
  returned: 0.03,
  failedVerification: 0.04,
  callback: 0.7,
  satisfied: 0.72,
  basicallySatisfied: 0.18,
} as const;

const MINUTE = 60_000;

/**
 * The staff's steps for one new case. `rng` returns numbers in [0, 1); `hotline` cases get a
 * callback (回访) after closing.
 */
export function planCase(rng: () => number, limits: StageLimitsMin, hotline: boolean): PlannedStep[] {
  if (rng() < CASE_ODDS.neverHandled) return [];
  // Share of a stage's limit taken: usually well inside it, sometimes past it. `typicalMin` caps
  // the ordinary case: work on site takes an hour or so even where the limit allows a day.
  const take = (limitMin: number, typicalMin = Infinity, late: { odds: number; overBy: number } = { odds: CASE_ODDS.lateAtStage, overBy: 0.95 }) => {
    if (rng() < late.odds) return limitMin * (1.05 + rng() * late.overBy) * MINUTE;
    return Math.max(1, Math.min(limitMin * (0.15 + rng() * 0.6), typicalMin * (0.5 + rng()))) * MINUTE;
  };
  const steps: PlannedStep[] = [];
  let t = 0;
  const add = (ms: number, step: CaseStep) => {
    t += ms;
    steps.push({ afterMs: Math.round(t), step });
  };
  const handleOnce = () => {
    add(take(limits.dispatch), { kind: 'dispatch' });
    if (rng() < CASE_ODDS.returned) {
      // The unit says it is not theirs; the dispatcher sends it on to the next one.
      add(take(limits.accept) / 2, { kind: 'return' });
      add(take(limits.dispatch) / 2, { kind: 'dispatch' });
    }
    add(take(limits.accept, 3), { kind: 'accept' });
    add(take(limits.arrive, 12), { kind: 'arrive' });
    add(take(limits.resolve, 20, { odds: CASE_ODDS.lateAtResolve, overBy: 0.25 }), { kind: 'resolve' });
  };

  handleOnce();
  if (rng() < CASE_ODDS.failedVerification) {
    add((10 + rng() * 50) * MINUTE, { kind: 'verify', ok: false });
    handleOnce();
  }
  add((10 + rng() * 80) * MINUTE, { kind: 'verify', ok: true });
  if (hotline && rng() < CASE_ODDS.callback) {
    const r = rng();
    const satisfaction: Satisfaction =
      r < CASE_ODDS.satisfied ? 'satisfied' : r < CASE_ODDS.satisfied + CASE_ODDS.basicallySatisfied ? 'basically_satisfied' : 'dissatisfied';
    add((30 + rng() * 210) * MINUTE, { kind: 'rate', satisfaction });
  }
  return steps;
}
