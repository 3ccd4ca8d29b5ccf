// The big screen's charts, drawn by ECharts (only the parts used are imported, so only they
// ship) and redrawn from one store subscription at most once a second — a chart whose input did
// not change is not touched.

import { useEffect, useRef, useState } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TitleComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { localHour } from '../../../shared/domain/time.ts';
import { translate, type Locale } from '../../../shared/i18n/index.ts';
import { useAppStore, type AppState } from '../../store/cityStore.ts';
import { useT } from '../../i18n/useT.ts';
import { recordSample } from '../perf/perfProbe.ts';
import { formatNumber } from '../kpis/kpiFormat.ts';
import type { EvaluationRow } from '../../../shared/domain/evaluation.ts';
import { api } from '../../api/http.ts';
import { alarmsByHour, deadlineShare, districtRanking, hourlySeries, monthStart, topCategories } from './chartData.ts';
import { alarmsOption, categoriesOption, deadlineOption, hourlyOption, rankingOption, type ChartTheme } from './chartOptions.ts';

echarts.use([BarChart, LineChart, PieChart, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

const CHARTS = ['hourly', 'categories', 'ranking', 'deadline', 'alarms'] as const;
type ChartName = (typeof CHARTS)[number];
const REDRAW_MS = 1000;
/** The district ranking is the evaluation's (server-side, this month's cases): asked once a minute, and on reconnect. */
const RATES_MS = 60_000;

/** Each chart's option from the state, with the inputs it depends on (to skip unchanged redraws). */
function optionsOf(state: AppState, rates: readonly EvaluationRow[] | null, theme: ChartTheme): Record<ChartName, { deps: unknown[]; option: () => echarts.EChartsCoreOption }> {
  const { city, ui } = state;
  const locale: Locale = ui.locale;
  const tr = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate(locale, key, params);
  const now = new Date().toISOString();
  const hour = localHour(now, ui.timeZone);
  const names: Record<string, string> = {};
  for (const [id, d] of Object.entries(ui.districts)) names[id] = locale === 'zh-CN' ? d.nameZh : d.name;
  return {
    hourly: { deps: [city.metrics, hour, locale], option: () => hourlyOption(hourlySeries(city.metrics, hour), { today: tr('chart.today'), yesterday: tr('chart.yesterday') }, theme) },
    categories: {
      deps: [city.incidents, ui.categories, locale],
      option: () => categoriesOption(topCategories(city.incidents, ui.categories, locale, tr('chart.uncategorised')), tr('chart.openIncidents'), theme),
    },
    ranking: {
      deps: [rates, ui.districts, locale],
      option: () => rankingOption(districtRanking(rates ?? [], 6), names, { response: tr('chart.rate.response'), resolution: tr('chart.rate.resolution'), satisfaction: tr('chart.rate.satisfaction'), none: tr('chart.ranking.none') }, theme),
    },
    deadline: {
      deps: [city.incidents, locale],
      option: () => {
        const share = deadlineShare(city.incidents);
        const center = share.within === null ? '—' : `${formatNumber(share.within * 100, locale, 0)}%`;
        return deadlineOption(share, { green: tr('light.green'), yellow: tr('light.yellow'), red: tr('light.red'), center }, theme);
      },
    },
    alarms: {
      deps: [city.alarms, hour, locale],
      option: () => alarmsOption(alarmsByHour(city.alarms, now, ui.timeZone), hour, { alarm: tr('chart.alarm'), warn: tr('chart.warn') }, theme),
    },
  };
}

function sameDeps(a: unknown[] | undefined, b: unknown[]): boolean {
  return !!a && a.length === b.length && a.every((v, i) => v === b[i]);
}

export function ScreenCharts() {
  const t = useT();
  const refs = useRef<Partial<Record<ChartName, HTMLDivElement | null>>>({});
  // Set from the redraw, not a store selector: selectors run inside every store flush.
  const [hasClocks, setHasClocks] = useState(false);

  useEffect(() => {
    const charts = new Map<ChartName, echarts.ECharts>();
    for (const name of CHARTS) {
      const el = refs.current[name];
      if (el) charts.set(name, echarts.init(el, undefined, { renderer: 'canvas' }));
    }
    const drawn: Partial<Record<ChartName, unknown[]>> = {};
    // Told to React only when it changes: this component rarely renders, and React keeps every
    // same-value update it bails out of queued on the hook until the next render — one per redraw,
    // without end on a screen that runs for days.
    let clocks = false;
    let rates: EvaluationRow[] | null = null;
    const draw = () => {
      const started = performance.now();
      const theme = { fontSize: parseFloat(getComputedStyle(document.documentElement).fontSize) || 16 };
      const all = optionsOf(useAppStore.getState(), rates, theme);
      for (const [name, chart] of charts) {
        const { deps, option } = all[name];
        const withTheme = [...deps, theme.fontSize];
        if (sameDeps(drawn[name], withTheme)) continue;
        drawn[name] = withTheme;
        // Merge (cheap) but replace the series, whose number can change (yesterday appears).
        chart.setOption(option(), { replaceMerge: ['series'], lazyUpdate: true });
        if (name === 'deadline' && clocks !== (deadlineShare(useAppStore.getState().city.incidents).within !== null)) {
          clocks = !clocks;
          setHasClocks(clocks);
        }
      }
      recordSample('chartUpdates', performance.now() - started);
    };
    draw();
    let pending: ReturnType<typeof setTimeout> | null = null;
    const unsubscribe = useAppStore.subscribe((state, previous) => {
      if (pending || (state.city === previous.city && state.ui === previous.ui)) return;
      pending = setTimeout(() => {
        pending = null;
        draw();
      }, REDRAW_MS);
    });
    // The current hour moves on even when nothing else changes.
    const clock = setInterval(draw, 60_000);
    let disposed = false;
    const loadRates = () =>
      api
        .get<{ rows: EvaluationRow[] }>(`/api/metrics/table?by=district&from=${encodeURIComponent(monthStart(new Date().toISOString(), useAppStore.getState().ui.timeZone))}`)
        .then((r) => {
          if (disposed) return;
          rates = r.rows;
          draw();
        })
        // Kept as it was: the next minute (or reconnect) asks again.
        .catch(() => undefined);
    void loadRates();
    const ratesTimer = setInterval(() => void loadRates(), RATES_MS);
    const reconnected = useAppStore.subscribe((state, previous) => {
      if (state.connection.state === 'live' && previous.connection.state !== 'live' && previous.connection.state !== 'connecting') void loadRates();
    });
    const resize = new ResizeObserver(() => {
      for (const chart of charts.values()) chart.resize();
      for (const name of CHARTS) delete drawn[name];
      draw();
    });
    for (const el of Object.values(refs.current)) if (el) resize.observe(el);
    return () => {
      disposed = true;
      unsubscribe();
      reconnected();
      if (pending) clearTimeout(pending);
      clearInterval(clock);
      clearInterval(ratesTimer);
      resize.disconnect();
      for (const chart of charts.values()) chart.dispose();
    };
  }, []);

  const panel = (name: ChartName, title: string, extra?: React.ReactNode) => (
    <section key={name} className={`panel chart chart--${name}`} data-testid={`chart-${name}`}>
      <h2 className="panel__title">
        <span className="panel__title-text">{title}</span>
        {extra}
      </h2>
      <div ref={(el) => void (refs.current[name] = el)} className="chart__canvas" />
    </section>
  );

  return (
    <div className="screen__charts">
      {panel('hourly', t('chart.hourly.title'))}
      {panel('categories', t('chart.categories.title'))}
      {panel('ranking', t('chart.ranking.title'), <span className="tag">{t('supervise.month')}</span>)}
      {panel('deadline', t('chart.deadline.title'), hasClocks ? null : <span className="tag">{t('chart.deadline.none')}</span>)}
      {panel('alarms', t('chart.alarms.title'))}
    </div>
  );
}
