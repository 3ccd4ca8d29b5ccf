import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { CASE_ODDS, planCase, type PlannedStep } from './casePlan.ts';

const LIMITS = { dispatch: 30, accept: 30, arrive: 60, resolve: 480 };
const MIN = 60_000;

function plans(n: number, hotline: boolean, seed = 'plans'): PlannedStep[][] {
  const rng = seedrandom(seed);
  return Array.from({ length: n }, () => planCase(rng, LIMITS, hotline));
}

describe('how a case of the demo past goes around the loop', () => {
  it('takes the steps in the loop order, each after the one before', () => {
    for (const plan of plans(2000, true)) {
      const kinds = plan.map((p) => p.step.kind).join(' ');
      // dispatch (return dispatch)? accept arrive resolve, possibly again after a failed verification, then verify (rate)?
      expect(kinds).toMatch(/^$|^(dispatch (return dispatch )?accept arrive resolve verify( rate)?|dispatch (return dispatch )?accept arrive resolve verify dispatch (return dispatch )?accept arrive resolve verify( rate)?)$/);
      for (let i = 1; i < plan.length; i += 1) expect(plan[i]!.afterMs).toBeGreaterThan(plan[i - 1]!.afterMs);
      const failed = plan.filter((p) => p.step.kind === 'verify' && !p.step.ok);
      expect(failed.length).toBeLessThanOrEqual(1);
      const last = plan.at(-1)?.step;
      if (last) expect(last.kind === 'rate' || (last.kind === 'verify' && last.ok)).toBe(true);
    }
  });

  it('is the same plan for the same seed, and a different one for another', () => {
    expect(plans(50, true, 'a')).toEqual(plans(50, true, 'a'));
    expect(plans(50, true, 'a')).not.toEqual(plans(50, true, 'b'));
  });

  it('handles most cases within the dispatch limit, runs some late, and leaves a few unhandled', () => {
    const all = plans(5000, false);
    const unhandled = all.filter((p) => p.length === 0).length / all.length;
    expect(unhandled).toBeGreaterThan(CASE_ODDS.neverHandled / 2);
    expect(unhandled).toBeLessThan(CASE_ODDS.neverHandled * 2);
    const handled = all.filter((p) => p.length > 0);
    const lateDispatch = handled.filter((p) => p[0]!.afterMs > LIMITS.dispatch * MIN).length / handled.length;
    expect(lateDispatch).toBeGreaterThan(0.02);
    expect(lateDispatch).toBeLessThan(0.15);
  });

  it('calls back hotline callers only, and most of them are satisfied', () => {
    expect(plans(1000, false).flat().some((p) => p.step.kind === 'rate')).toBe(false);
    const ratings = plans(3000, true)
      .flat()
      .flatMap((p) => (p.step.kind === 'rate' ? [p.step.satisfaction] : []));
    expect(ratings.length).toBeGreaterThan(3000 * 0.5);
    const content = ratings.filter((r) => r !== 'dissatisfied').length / ratings.length;
    expect(content).toBeGreaterThan(0.8);
    expect(content).toBeLessThan(0.97);
  });
});
