// Pure: metrics → the ECharts option of the hourly trend. No animation: it redraws at most 1 Hz.

import type { CityMetrics } from '../../../shared/domain/types.ts';

export interface TrendLabels {
  series: string;
}

export function trendOption(metrics: CityMetrics | null, labels: TrendLabels, currentHour: number) {
  const counts = metrics?.incidentsByHour ?? new Array<number>(24).fill(0);
  return {
    animation: false,
    backgroundColor: 'transparent',
    grid: { left: 36, right: 12, top: 16, bottom: 24 },
    tooltip: { trigger: 'axis' },
    xAxis: {
      type: 'category',
      data: counts.map((_, h) => String(h).padStart(2, '0')),
      axisLabel: { color: '#8ea3c0', interval: 3, fontSize: 12 },
      axisLine: { lineStyle: { color: '#2a3957' } },
    },
    yAxis: {
      type: 'value',
      minInterval: 1,
      axisLabel: { color: '#8ea3c0', fontSize: 12 },
      splitLine: { lineStyle: { color: '#1c2840' } },
    },
    series: [
      {
        name: labels.series,
        type: 'bar',
        // Hours still to come are left empty rather than drawn as zero.
        data: counts.map((n, h) => (h > currentHour ? null : n)),
        itemStyle: { color: '#3d8bfd', borderRadius: [3, 3, 0, 0] },
        barMaxWidth: 14,
      },
    ],
  };
}
