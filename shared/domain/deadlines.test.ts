import { describe, expect, it } from 'vitest';
import { computeDeadline, currentStage, escalationDue, lightFor, profileFor, stampDeadline, type DeadlineProfile } from './deadlines.ts';
import { parseWorkHours, type WorkCalendar } from './workCalendar.ts';
import type { Category, Incident } from './types.ts';

const calendar: WorkCalendar = { timeZone: 'Asia/Shanghai', hours: parseWorkHours('09:00-12:00,13:00-18:00'), weekdays: [1, 2, 3, 4, 5], holidays: [], extraWorkdays: [] };
const min = (amount: number) => ({ amount, unit: 'minutes' as const });
const profile: DeadlineProfile = {
  category: 'roads',
  severity: '*',
  limits: { dispatch: min(10), accept: min(20), arrive: min(30), resolve: { amount: 4, unit: 'work_hours' }, case: { amount: 2, unit: 'work_days' } },
};
const T0 = '2026-11-30T02:00:00.000Z'; // Monday 10:00 in Shanghai
const plus = (minutes: number, from = T0) => new Date(Date.parse(from) + minutes * 60_000).toISOString();

function incident(patch: Partial<Incident> = {}): Incident {
  return {
    id: 'i1', code: 'GD-1', title: 't', text: 't', category: 'roads.pothole', severity: 'medium', location: null, address: null,
    districtId: 'D1', streetId: null, gridId: null, status: 'triaged', source: 'patrol', repeatCount: 0, parentId: null,
    escalationLevel: 0, version: 1, createdAt: T0, updatedAt: T0, stageAt: { new: T0 }, unitId: null, satisfaction: null, ...patch,
  };
}

describe('traffic light', () => {
  it.each([
    [0, 'green'], [0.79, 'green'], [0.8, 'yellow'], [0.99, 'yellow'], [1, 'red'], [1.7, 'red'],
  ])('%s of the limit used → %s', (used, light) => {
    expect(lightFor(used)).toBe(light);
  });
});

describe('profile lookup', () => {
  const profiles: DeadlineProfile[] = [
    { ...profile, category: '*', severity: '*' },
    { ...profile, category: 'roads', severity: '*' },
    { ...profile, category: 'roads.pothole', severity: 'critical' },
  ];
  it('takes the most specific profile', () => {
    expect(profileFor(profiles, 'roads.pothole', 'critical')?.category).toBe('roads.pothole');
    expect(profileFor(profiles, 'roads.pothole', 'low')?.category).toBe('roads');
    expect(profileFor(profiles, 'parks.bench', 'low')?.category).toBe('*');
  });
  it("falls back to the category's own limits in minutes", () => {
    const category = { code: 'parks.bench', deadlinesMin: { dispatch: 1, accept: 2, arrive: 3, resolve: 4 } } as Category;
    expect(profileFor(profiles, 'parks.bench', 'low', category)?.limits.arrive).toEqual(min(3));
  });
});

describe('the clock on a case', () => {
  it('the dispatch clock runs from creation, and restarts when the case comes back to the queue', () => {
    expect(currentStage(incident())).toEqual({ stage: 'dispatch', startedAt: T0 });
    const returned = incident({ stageAt: { new: T0, triaged: plus(30), dispatched: plus(20) } });
    expect(currentStage(returned)).toEqual({ stage: 'dispatch', startedAt: plus(30) });
    expect(currentStage(incident({ status: 'closed' }))).toBeNull();
  });

  it.each([
    [5, 'green', 0.5, null],
    [8, 'yellow', 0.8, 'urge'],
    [10, 'red', 1, 'urge'],
    [16, 'red', 1.6, 'urge'],
  ])('after %s of 10 minutes: %s', (minutes, light, used, step) => {
    const d = computeDeadline(incident(), profile, calendar, plus(minutes))!;
    expect(d).toMatchObject({ stage: 'dispatch', light, used, dueAt: plus(10), startedAt: T0 });
    expect(escalationDue(d)).toBe(step);
  });

  it('each escalation step is due once, in order, and the next look is at the next threshold', () => {
    let inc = incident();
    const fired: string[] = [];
    for (const now of [plus(4), plus(8), plus(9), plus(12), plus(16)]) {
      let d = computeDeadline(inc, profile, calendar, now)!;
      for (let step = escalationDue(d); step; step = escalationDue(d)) {
        fired.push(step);
        d = { ...d, fired: [...(d.fired ?? []), step] };
        inc = { ...inc, deadline: d };
        d = computeDeadline(inc, profile, calendar, now)!;
      }
      inc = { ...inc, deadline: d };
    }
    expect(fired).toEqual(['urge', 'overdue', 'level2']);
    expect(inc.deadline?.nextAt).toBeNull();
    expect(computeDeadline(incident(), profile, calendar, plus(1))?.nextAt).toBe(plus(8));
  });

  it('a paused clock has no due time, does not escalate and looks again when the extension ends', () => {
    const paused = incident({ pauses: [{ kind: 'extension', requestId: 'r1', from: plus(5), to: plus(65) }] });
    const d = computeDeadline(paused, profile, calendar, plus(30))!;
    expect(d).toMatchObject({ paused: true, dueAt: null, used: 0.5, nextAt: plus(65) });
    expect(escalationDue({ ...d, used: 2 })).toBeNull();
    // Resumed: 5 minutes used before the pause, 5 more after it → due at 65 + 5.
    expect(computeDeadline(paused, profile, calendar, plus(70))).toMatchObject({ dueAt: plus(70), light: 'red' });
  });

  it('stamping records each finished stage and starts the case clock at dispatch', () => {
    const triaged = stampDeadline(incident(), incident(), profile, calendar, T0);
    const dispatched = stampDeadline(triaged, { ...triaged, status: 'dispatched', stageAt: { ...triaged.stageAt, dispatched: plus(12) } }, profile, calendar, plus(12));
    expect(dispatched.clock).toEqual({ caseStartedAt: plus(12), finished: { dispatch: 1.2 } });
    expect(dispatched.deadline).toMatchObject({ stage: 'accept', startedAt: plus(12), dueAt: plus(32), fired: [] });
    // Two working days from Monday 10:12 → Wednesday 10:12.
    expect(dispatched.deadline?.caseDueAt).toBe(plus(2 * 1440 + 12));
    const accepted = stampDeadline(dispatched, { ...dispatched, status: 'accepted', stageAt: { ...dispatched.stageAt, accepted: plus(22) } }, profile, calendar, plus(22));
    expect(accepted.clock?.finished).toEqual({ dispatch: 1.2, accept: 0.5 });
  });
});
