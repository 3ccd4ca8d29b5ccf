// Pure: series → ECharts options. No animation anywhere: charts redraw at most once a second and
// an animation per redraw would keep the screen busy all day. Text sizes follow the page's rem so
// a 4K wall reads like a 1080p screen.

import type { DeadlineShare, DistrictRates, HourlySeries, NamedCount } from './chartData.ts';

const TEXT = '#8ea3c0';
const AXIS = '#2a3957';
const SPLIT = '#1c2840';

export interface ChartTheme {
  /** The page's rem in px. */
  fontSize: number;
}

function base(theme: ChartTheme) {
  const fs = Math.round(theme.fontSize * 0.85);
  return {
    animation: false,
    backgroundColor: 'transparent',
    textStyle: { fontSize: fs, color: TEXT },
    tooltip: { trigger: 'axis' as const },
    fs,
  };
}

function legend(fs: number, names: string[]) {
  return { data: names, top: 0, right: 0, itemWidth: fs, itemHeight: Math.round(fs * 0.6), textStyle: { color: TEXT, fontSize: fs } };
}

export function hourlyOption(series: HourlySeries, labels: { today: string; yesterday: string }, theme: ChartTheme) {
  const { fs, ...rest } = base(theme);
  const names = series.yesterday ? [labels.today, labels.yesterday] : [labels.today];
  return {
    ...rest,
    legend: legend(fs, names),
    grid: { left: fs * 2.6, right: fs * 0.6, top: fs * 2, bottom: fs * 1.8 },
    xAxis: { type: 'category', data: series.hours, axisLabel: { color: TEXT, interval: 3, fontSize: fs }, axisLine: { lineStyle: { color: AXIS } } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: TEXT, fontSize: fs }, splitLine: { lineStyle: { color: SPLIT } } },
    series: [
      { name: labels.today, type: 'bar', data: series.today, itemStyle: { color: '#3d8bfd', borderRadius: [3, 3, 0, 0] }, barMaxWidth: fs * 1.1 },
      ...(series.yesterday
        ? [{ name: labels.yesterday, type: 'line', data: series.yesterday, symbol: 'none', lineStyle: { color: '#8ea3c0', type: 'dashed', width: 1.5 }, itemStyle: { color: '#8ea3c0' }, sampling: 'lttb' }]
        : []),
    ],
  };
}

export function categoriesOption(top: NamedCount[], label: string, theme: ChartTheme) {
  const { fs, ...rest } = base(theme);
  const rows = [...top].reverse();
  return {
    ...rest,
    grid: { left: fs * 0.4, right: fs * 2.6, top: fs * 0.4, bottom: fs * 0.4, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, show: false },
    yAxis: { type: 'category', data: rows.map((r) => r.name), axisLabel: { color: TEXT, fontSize: fs, width: fs * 8, overflow: 'truncate' }, axisLine: { lineStyle: { color: AXIS } }, axisTick: { show: false } },
    series: [{ name: label, type: 'bar', data: rows.map((r) => r.count), itemStyle: { color: '#36cfc9', borderRadius: [0, 3, 3, 0] }, barMaxWidth: fs * 1.1, label: { show: true, position: 'right', color: '#e6edf7', fontSize: fs } }],
  };
}

export function rankingOption(rows: DistrictRates[], names: Record<string, string>, labels: { response: string; resolution: string; satisfaction: string; none: string }, theme: ChartTheme) {
  const { fs, ...rest } = base(theme);
  const ordered = [...rows].reverse();
  const pct = (v: number | null) => (v === null ? null : Math.round(v * 1000) / 10);
  const bar = (name: string, color: string, pick: (r: DistrictRates) => number | null) => ({ name, type: 'bar', data: ordered.map((r) => pct(pick(r))), itemStyle: { color }, barMaxWidth: fs * 0.5, barGap: '10%' });
  // Rates cluster near the top: start the axis a step below the lowest, so differences show.
  const lowest = Math.min(100, ...ordered.flatMap((r) => [r.response, r.resolution, r.satisfaction]).filter((v): v is number => v !== null).map((v) => v * 100));
  const min = Math.max(0, Math.floor(lowest / 10) * 10 - 10);
  return {
    ...rest,
    // No rated district yet: say so where the bars would be, rather than draw bare axes.
    title: { show: rows.length === 0, text: labels.none, left: 'center', top: 'middle', textStyle: { color: TEXT, fontSize: fs, fontWeight: 'normal' } },
    legend: { ...legend(fs, [labels.response, labels.resolution, labels.satisfaction]), show: rows.length > 0 },
    grid: { left: fs * 0.4, right: fs * 0.8, top: fs * 2, bottom: fs * 0.4, containLabel: true },
    xAxis: { show: rows.length > 0, type: 'value', min, max: 100, axisLabel: { color: TEXT, fontSize: fs, formatter: '{value}%' }, splitLine: { lineStyle: { color: SPLIT } } },
    yAxis: { show: rows.length > 0, type: 'category', data: ordered.map((r) => names[r.districtId] ?? r.districtId), axisLabel: { color: TEXT, fontSize: fs, width: fs * 7, overflow: 'truncate' }, axisTick: { show: false }, axisLine: { lineStyle: { color: AXIS } } },
    series: [bar(labels.response, '#3d8bfd', (r) => r.response), bar(labels.resolution, '#36cfc9', (r) => r.resolution), bar(labels.satisfaction, '#fadb14', (r) => r.satisfaction)],
  };
}

export function deadlineOption(share: DeadlineShare, labels: { green: string; yellow: string; red: string; center: string }, theme: ChartTheme) {
  const { fs, ...rest } = base(theme);
  return {
    ...rest,
    tooltip: { trigger: 'item' as const },
    // The ring sits above a legend, so a reader knows which colour is overdue.
    title: { text: labels.center, left: 'center', top: '38%', textVerticalAlign: 'middle', textStyle: { color: '#e6edf7', fontSize: fs * 1.6, fontWeight: 700 } },
    legend: {
      show: share.within !== null,
      data: [labels.green, labels.yellow, labels.red],
      bottom: 0,
      left: 'center',
      itemWidth: fs,
      itemHeight: Math.round(fs * 0.6),
      itemGap: Math.round(fs * 0.6),
      textStyle: { color: TEXT, fontSize: fs },
    },
    series: [
      {
        type: 'pie',
        radius: ['52%', '76%'],
        center: ['50%', '44%'],
        label: { show: false },
        // No clocks yet: an empty grey ring rather than three equal slices of nothing.
        data:
          share.within === null
            ? [{ name: labels.center, value: 1, itemStyle: { color: SPLIT } }]
            : [
                { name: labels.green, value: share.green, itemStyle: { color: '#36cfc9' } },
                { name: labels.yellow, value: share.yellow, itemStyle: { color: '#fadb14' } },
                { name: labels.red, value: share.red, itemStyle: { color: '#ff4d4f' } },
              ],
        silent: share.within === null,
      },
    ],
  };
}

export function alarmsOption(byHour: { alarm: number[]; warn: number[] }, currentHour: number, labels: { alarm: string; warn: string }, theme: ChartTheme) {
  const { fs, ...rest } = base(theme);
  const upTo = (xs: number[]) => xs.map((n, h) => (h > currentHour ? null : n));
  return {
    ...rest,
    legend: legend(fs, [labels.alarm, labels.warn]),
    grid: { left: fs * 2.6, right: fs * 0.6, top: fs * 2, bottom: fs * 1.8 },
    xAxis: { type: 'category', data: byHour.alarm.map((_, h) => String(h).padStart(2, '0')), axisLabel: { color: TEXT, interval: 5, fontSize: fs }, axisLine: { lineStyle: { color: AXIS } } },
    yAxis: { type: 'value', minInterval: 1, axisLabel: { color: TEXT, fontSize: fs }, splitLine: { lineStyle: { color: SPLIT } } },
    series: [
      { name: labels.alarm, type: 'line', data: upTo(byHour.alarm), symbol: 'none', areaStyle: { opacity: 0.25 }, lineStyle: { color: '#ff4d4f' }, itemStyle: { color: '#ff4d4f' }, sampling: 'lttb' },
      { name: labels.warn, type: 'line', data: upTo(byHour.warn), symbol: 'none', lineStyle: { color: '#fadb14' }, itemStyle: { color: '#fadb14' }, sampling: 'lttb' },
    ],
  };
}
