import { describe, expect, it } from 'vitest';
import { openIncident } from '../../../shared/domain/incidentFactory.ts';
import type { Alarm, Category, CityMetrics, Incident } from '../../../shared/domain/types.ts';
import type { EvaluationRow } from '../../../shared/domain/evaluation.ts';
import { alarmsByHour, deadlineShare, districtRanking, hourlySeries, monthStart, topCategories } from './chartData.ts';
import { alarmsOption, categoriesOption, deadlineOption, hourlyOption, rankingOption } from './chartOptions.ts';
import { tableOf } from '../../../shared/domain/cityReducer.ts';

const T0 = '2026-11-22T15:00:00.000Z';
const inc = (id: string, patch: Partial<Incident> = {}): Incident => ({
  ...openIncident({ id, codePrefix: 'GD', source: 'hotline', text: id, category: 'municipal.drainage.waterlogging', severity: 'medium', location: [-87.6, 41.8], address: null, placement: null, now: T0 }),
  districtId: 'CA01',
  ...patch,
});
const cat = (code: string, zh: string, en: string) => ({ code, name: { zh, en } }) as Category;
const theme = { fontSize: 16 };

describe('chart series', () => {
  it('today stops at the current hour; yesterday is drawn whole when the server states it', () => {
    const metrics = { incidentsByHour: Array.from({ length: 24 }, (_, h) => h), yesterday: { incidentsByHour: new Array(24).fill(2) } } as unknown as CityMetrics;
    const s = hourlySeries(metrics, 9);
    expect(s.hours[9]).toBe('09');
    expect(s.today.slice(8, 11)).toEqual([8, 9, null]);
    expect(s.yesterday).toHaveLength(24);
    const option = hourlyOption(s, { today: '今日', yesterday: '昨日' }, theme);
    expect(option.animation).toBe(false);
    expect(option.series.map((x) => x.name)).toEqual(['今日', '昨日']);
    // Before the first metrics: an empty day, one series.
    expect(hourlyOption(hourlySeries(null, 23), { today: 'T', yesterday: 'Y' }, theme).series).toHaveLength(1);
  });

  it('ranks open incidents by category with names in the reader’s language', () => {
    const categories = { a: cat('a', '道路积水', 'Waterlogging'), b: cat('b', '路灯', 'Street light') };
    const incidents = { 1: inc('1', { category: 'a' }), 2: inc('2', { category: 'a' }), 3: inc('3', { category: 'b' }), 4: inc('4', { category: 'b', status: 'closed' }), 5: inc('5', { category: null }) };
    expect(topCategories(tableOf(incidents), categories, 'zh-CN', '未分类').map((r) => [r.name, r.count])).toEqual([['道路积水', 2], ['未分类', 1], ['路灯', 1]]);
    expect(topCategories(tableOf(incidents), categories, 'en', 'Uncategorised', 1).map((r) => r.name)).toEqual(['Waterlogging']);
    const option = categoriesOption(topCategories(tableOf(incidents), categories, 'en', 'Other'), 'Open', theme);
    // Bars read top-down most first: ECharts draws category axes bottom-up.
    expect(option.yAxis.data.at(-1)).toBe('Waterlogging');
  });

  it('ranks districts by the evaluation’s rates, leaving out districts with no rate yet', () => {
    const row = (key: string, rank: number, r: number | null, s: number | null, m: number | null, score: number | null) =>
      ({ key, rank, responseRate: r, resolutionRate: s, satisfactionRate: m, score, cases: 10 }) as EvaluationRow;
    const rows = [row('A', 1, 0.9, 0.8, 0.7, 0.8), row('B', 2, 0.5, null, null, 0.5), row('C', 3, null, null, null, null), row('D', 4, 0.1, 0.1, 0.1, 0.1)];
    const ranked = districtRanking(rows, 2);
    expect(ranked.map((r) => r.districtId)).toEqual(['A', 'B']);
    expect(ranked[0]).toMatchObject({ response: 0.9, resolution: 0.8, satisfaction: 0.7, score: 0.8 });
    expect(districtRanking(rows).map((r) => r.districtId)).toEqual(['A', 'B', 'D']);
    const option = rankingOption(ranked, { A: '甲区' }, { response: 'R', resolution: 'S', satisfaction: 'M', none: 'N' }, theme);
    // Best at the top: ECharts draws category axes bottom-up.
    expect(option.yAxis.data).toEqual(['B', '甲区']);
    expect(option.series[0]!.data).toEqual([50, 90]);
    expect(option.series[1]!.data).toEqual([null, 80]);
    // The axis starts a step below the lowest rate shown (50%).
    expect(option.xAxis.min).toBe(40);
    const none = rankingOption([], {}, { response: 'R', resolution: 'S', satisfaction: 'M', none: 'N' }, theme);
    expect([none.xAxis.show, none.legend.show, none.title.show, option.xAxis.show, option.title.show]).toEqual([false, false, true, true, false]);
  });

  it('ranks this local month: from local midnight of day 1', () => {
    expect(monthStart('2026-11-30T05:00:00.000Z', 'America/Chicago')).toBe('2026-11-01T05:00:00.000Z');
    // 00:30 on 1 December in Shanghai is still 30 November in UTC.
    expect(monthStart('2026-11-30T16:30:00.000Z', 'Asia/Shanghai')).toBe('2026-11-30T16:00:00.000Z');
  });

  it('shares open work by deadline light; no clocks means no share', () => {
    const dl = (light: 'green' | 'yellow' | 'red', paused = false) => ({ stage: 'resolve' as const, dueAt: T0, used: 0.5, light, paused });
    expect(deadlineShare(tableOf({ a: inc('a') })).within).toBeNull();
    const share = deadlineShare(tableOf({ a: inc('a', { deadline: dl('green') }), b: inc('b', { deadline: dl('yellow') }), c: inc('c', { deadline: dl('red') }), d: inc('d', { deadline: dl('red'), status: 'closed' }), e: inc('e', { deadline: dl('red', true) }) }));
    expect(share).toEqual({ green: 1, yellow: 1, red: 1, within: 2 / 3 });
    expect(deadlineOption(share, { green: 'g', yellow: 'y', red: 'r', center: '67%' }, theme).series[0]!.data.map((d) => d.value)).toEqual([1, 1, 1]);
  });

  it('counts alarms raised per local hour today', () => {
    const alarm = (id: string, raisedAt: string, level: Alarm['level'] = 'alarm') => ({ id, raisedAt, level }) as Alarm;
    // 2026-11-22 in Chicago starts at 06:00Z; 15:30Z is 09:30 local.
    const byHour = alarmsByHour(tableOf({ a: alarm('a', '2026-11-22T15:30:00.000Z'), b: alarm('b', '2026-11-22T15:40:00.000Z', 'warn'), c: alarm('c', '2026-11-22T05:00:00.000Z') }), '2026-11-22T16:00:00.000Z', 'America/Chicago');
    expect(byHour.alarm[9]).toBe(1);
    expect(byHour.warn[9]).toBe(1);
    expect(byHour.alarm.reduce((x, y) => x + y, 0)).toBe(1);
    const option = alarmsOption(byHour, 10, { alarm: 'A', warn: 'W' }, theme);
    expect(option.animation).toBe(false);
    expect(option.series[0]!.data[11]).toBeNull();
  });
});
