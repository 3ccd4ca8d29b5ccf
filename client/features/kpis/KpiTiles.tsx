// The city's vital signs (城市体征) as large tiles, each with its change against the same time
// yesterday. Figures come from the server's metrics as they are.

import type { MessageKey } from '../../../shared/i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { selectLocale, selectMetrics, useAppStore } from '../../store/cityStore.ts';
import { KPI_NAMES, formatDelta, formatKpi, kpiDelta, kpiValue } from './kpiFormat.ts';
import { useEarlyMetrics } from './useEarlyMetrics.ts';

export function KpiTiles() {
  const t = useT();
  const metrics = useAppStore(selectMetrics);
  const locale = useAppStore(selectLocale);
  useEarlyMetrics();
  return (
    <section className="kpis" aria-label={t('kpi.title')} data-testid="kpis">
      {KPI_NAMES.map((name) => {
        const delta = kpiDelta(name, metrics);
        const value = kpiValue(name, metrics);
        return (
          <div key={name} className={`kpi kpi--${name}`} data-testid={`kpi-${name}`} data-value={metrics ? String(value ?? '') : ''}>
            <div className="kpi__label">{t(`kpi.${name}` as MessageKey)}</div>
            <div className="kpi__value">
              {formatKpi(name, metrics, locale)}
              {(name === 'medianDispatchMinutes' || name === 'medianArriveMinutes') && value !== null && <span className="kpi__unit">{t('kpi.unit.minutes')}</span>}
            </div>
            <div className={`kpi__delta kpi__delta--${delta?.tone ?? 'none'}`} data-testid={`kpi-delta-${name}`}>
              {delta ? t('kpi.vsYesterday', { delta: formatDelta(delta, locale) }) : t('kpi.vsYesterdayNone')}
            </div>
          </div>
        );
      })}
    </section>
  );
}
