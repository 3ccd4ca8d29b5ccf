// Incidents per hour today, drawn by ECharts (only the parts used are imported) and updated
// from a store subscription at most once a second.

import { useEffect, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart } from 'echarts/charts';
import { GridComponent, TooltipComponent } from 'echarts/components';
import { CanvasRenderer } from 'echarts/renderers';
import { localHour } from '../../../shared/domain/time.ts';
import { translate } from '../../../shared/i18n/index.ts';
import { useAppStore, type AppState } from '../../store/cityStore.ts';
import { useT } from '../../i18n/useT.ts';
import { trendOption } from './trendOption.ts';

echarts.use([BarChart, GridComponent, TooltipComponent, CanvasRenderer]);

export function TrendChart() {
  const ref = useRef<HTMLDivElement>(null);
  const t = useT();

  useEffect(() => {
    if (!ref.current) return;
    const chart = echarts.init(ref.current, undefined, { renderer: 'canvas' });
    const draw = (state: AppState) => {
      const hour = localHour(new Date().toISOString(), state.ui.timeZone);
      chart.setOption(trendOption(state.city.metrics, { series: translate(state.ui.locale, 'trend.series') }, hour), { notMerge: false });
    };
    draw(useAppStore.getState());
    let pending = false;
    const unsubscribe = useAppStore.subscribe((state, previous) => {
      if (state.city.metrics === previous.city.metrics && state.ui.locale === previous.ui.locale && state.ui.timeZone === previous.ui.timeZone) return;
      if (pending) return;
      pending = true;
      setTimeout(() => {
        pending = false;
        draw(useAppStore.getState());
      }, 1000);
    });
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(ref.current);
    return () => {
      unsubscribe();
      resize.disconnect();
      chart.dispose();
    };
  }, []);

  return (
    <section className="panel trend">
      <h2 className="panel__title">{t('trend.title')}</h2>
      <div ref={ref} className="trend__chart" />
    </section>
  );
}
