import { describe, expect, it } from 'vitest';
import type { CityMetrics } from '../../../shared/domain/types.ts';
import { formatDelta, formatKpi, kpiDelta } from './kpiFormat.ts';

const metrics = (patch: Partial<CityMetrics> = {}): CityMetrics => ({
  at: '2026-11-22T16:00:00.000Z', openIncidents: 1234, newToday: 40, overdue: 3, callsToday: 12, activeAlarms: 2, sensorsOnlinePct: 97.5,
  unitsAvailable: 10, unitsBusy: 4, medianDispatchMinutes: 6.5, medianArriveMinutes: null, responseRate: null, resolutionRate: null, satisfactionRate: null,
  incidentsByHour: new Array(24).fill(0),
  yesterday: { newToday: 30, callsToday: 12, medianDispatchMinutes: 8, medianArriveMinutes: 20, incidentsByHour: new Array(24).fill(1) },
  ...patch,
});

describe('vital signs', () => {
  it('state the server figure in the reader’s number format', () => {
    expect(formatKpi('openIncidents', metrics(), 'en')).toBe('1,234');
    expect(formatKpi('sensorsOnlinePct', metrics(), 'zh-CN')).toBe('97.5%');
    expect(formatKpi('medianArriveMinutes', metrics(), 'en')).toBe('—');
    expect(formatKpi('openIncidents', null, 'en')).toBe('—');
  });

  it('compare with the same time yesterday, saying whether the change is better or worse', () => {
    expect(kpiDelta('newToday', metrics())).toEqual({ diff: 10, tone: 'neutral' });
    expect(kpiDelta('callsToday', metrics())).toEqual({ diff: 0, tone: 'same' });
    // Dispatch got faster: better.
    expect(kpiDelta('medianDispatchMinutes', metrics())).toEqual({ diff: -1.5, tone: 'better' });
    expect(kpiDelta('medianDispatchMinutes', metrics({ medianDispatchMinutes: 9 }))).toEqual({ diff: 1, tone: 'worse' });
    // No figure today, none for yesterday, or no yesterday at all: no delta.
    expect(kpiDelta('medianArriveMinutes', metrics())).toBeNull();
    expect(kpiDelta('openIncidents', metrics())).toBeNull();
    expect(kpiDelta('newToday', metrics({ yesterday: null }))).toBeNull();
    expect(formatDelta({ diff: -1.5, tone: 'better' }, 'en')).toBe('−1.5');
    expect(formatDelta({ diff: 1200, tone: 'neutral' }, 'en')).toBe('+1,200');
  });
});
