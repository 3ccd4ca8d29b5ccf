import { describe, expect, it } from 'vitest';
import { evaluate, evaluateBy, hotspots, percentile, type EvaluationRecord } from './evaluation.ts';

const NOW = '2026-11-30T12:00:00.000Z';
const daysAgo = (d: number) => new Date(Date.parse(NOW) - d * 86_400_000).toISOString();

function record(patch: Partial<EvaluationRecord>): EvaluationRecord {
  return {
    id: Math.random().toString(36).slice(2), code: 'GD', districtId: 'CA01', gridId: 'CA01-G001', category: 'roads.pothole', source: 'hotline',
    status: 'triaged', createdAt: daysAgo(1), stageAt: {}, satisfaction: null, clock: null, deadline: null, escalationLevel: 0, repeatCount: 0,
    callbackResolved: null, unitIds: [], returns: 0, reopens: 0, evidence: false, ...patch,
  };
}

describe('percentiles', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9, 9],
    [[5], 0.9, 5],
    [[3, 1, 2], 0.5, 2],
    [[], 0.9, null],
  ])('%j at %s → %s (nearest rank)', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });
});

describe('rates', () => {
  it('divides only what exists, and leaves merged and rejected reports out', () => {
    const e = evaluate(
      [
        record({ stageAt: { dispatched: daysAgo(1), accepted: daysAgo(1) }, clock: { caseStartedAt: daysAgo(1), finished: { accept: 0.5 } }, satisfaction: 'satisfied', status: 'closed' }),
        record({ stageAt: { dispatched: daysAgo(1), accepted: daysAgo(1) }, clock: { caseStartedAt: daysAgo(1), finished: { accept: 1.4 } }, satisfaction: 'dissatisfied', status: 'closed' }),
        record({ status: 'merged', stageAt: { dispatched: daysAgo(1) } }),
        record({ status: 'rejected' }),
      ],
      NOW,
    );
    expect(e).toMatchObject({ cases: 2, dispatched: 2, responseRate: 0.5, callbacks: 2, satisfactionRate: 0.5, resolutionRate: 0.5, noEvidenceRate: 1 });
    // The caller's own answer counts where they were asked whether it was solved.
    const asked = evaluate([record({ satisfaction: 'satisfied', callbackResolved: false }), record({ satisfaction: 'dissatisfied', callbackResolved: true })], NOW);
    expect(asked).toMatchObject({ callbacks: 2, callbacksResolved: 1, satisfactionRate: 0.5 });
    expect(evaluate([], NOW)).toMatchObject({ cases: 0, responseRate: null, satisfactionRate: null, resolutionRate: null });
  });

  it('ranks groups by the mean of the three rates, a unit counting every case it held', () => {
    const good = record({ districtId: 'A', unitIds: ['u1', 'u2'], stageAt: { dispatched: daysAgo(1), accepted: daysAgo(1) }, clock: { caseStartedAt: null, finished: { accept: 0.2 } } });
    const bad = record({ districtId: 'B', unitIds: ['u2'], stageAt: { dispatched: daysAgo(1) } });
    const byDistrict = evaluateBy([good, bad], 'district', NOW);
    expect(byDistrict.map((r) => [r.key, r.rank, r.score])).toEqual([['A', 1, 1], ['B', 2, 0]]);
    const byUnit = evaluateBy([good, bad], 'unit', NOW);
    expect(byUnit.find((r) => r.key === 'u2')?.cases).toBe(2);
  });
});

describe('hotspots (每月一题)', () => {
  it('counts repeated hotline complaints per grid and category over 30 days, with the trend', () => {
    const list = hotspots(
      [
        record({ createdAt: daysAgo(2), repeatCount: 3 }),
        record({ createdAt: daysAgo(20) }),
        record({ gridId: 'CA02-G009', districtId: 'CA02', category: 'sanitation.garbage', createdAt: daysAgo(25), repeatCount: 2 }),
        record({ gridId: 'CA02-G009', districtId: 'CA02', category: 'sanitation.garbage', createdAt: daysAgo(1) }),
        record({ createdAt: daysAgo(40), repeatCount: 50 }), // too old
        record({ source: 'patrol', repeatCount: 50 }), // not a complaint
        record({ gridId: 'CA03-G001', createdAt: daysAgo(3) }), // once is not repeated
      ],
      NOW,
    );
    expect(list).toEqual([
      { gridId: 'CA01-G001', districtId: 'CA01', category: 'roads.pothole', complaints: 5, weekly: [0, 1, 0, 4], trend: 'up' },
      { gridId: 'CA02-G009', districtId: 'CA02', category: 'sanitation.garbage', complaints: 4, weekly: [3, 0, 0, 1], trend: 'down' },
    ]);
  });
});
