import { describe, expect, it } from 'vitest';
import { trendOption } from './trendOption.ts';
import type { CityMetrics } from '../../../shared/domain/types.ts';

describe('trend chart option', () => {
  it('plots the hourly counts up to the current hour, without animation', () => {
    const incidentsByHour = Array.from({ length: 24 }, (_, h) => h);
    const option = trendOption({ incidentsByHour } as CityMetrics, { series: 'Incidents' }, 9);
    expect(option.animation).toBe(false);
    expect(option.xAxis.data[9]).toBe('09');
    expect(option.series[0]!.name).toBe('Incidents');
    expect(option.series[0]!.data.slice(8, 11)).toEqual([8, 9, null]);
  });

  it('draws an empty day before the first metrics arrive', () => {
    expect(trendOption(null, { series: 'x' }, 23).series[0]!.data).toEqual(new Array(24).fill(0));
  });
});
