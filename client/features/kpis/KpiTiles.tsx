// The city's vital signs as large tiles. Figures come from the server's metrics as they are.

import type { CityMetrics } from '../../../shared/domain/types.ts';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { selectLocale, selectMetrics, useAppStore } from '../../store/cityStore.ts';

type KpiName = 'openIncidents' | 'newToday' | 'callsToday' | 'activeAlarms' | 'unitsAvailable' | 'sensorsOnlinePct';

const KPIS: { name: KpiName; tone?: 'alert' | 'good' }[] = [
  { name: 'openIncidents' },
  { name: 'newToday' },
  { name: 'callsToday' },
  { name: 'activeAlarms', tone: 'alert' },
  { name: 'unitsAvailable', tone: 'good' },
  { name: 'sensorsOnlinePct', tone: 'good' },
];

export function formatKpi(name: KpiName, metrics: CityMetrics | null, locale: string): string {
  const value = metrics?.[name];
  if (value === null || value === undefined) return '—';
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: 1 }).format(value);
  return name === 'sensorsOnlinePct' ? `${text}%` : text;
}

export function KpiTiles() {
  const t = useT();
  const metrics = useAppStore(selectMetrics);
  const locale = useAppStore(selectLocale);
  return (
    <section className="kpis" aria-label="KPIs">
      {KPIS.map(({ name, tone }) => (
        <div key={name} className={`kpi${tone ? ` kpi--${tone}` : ''}`} data-testid={`kpi-${name}`} data-value={metrics ? String(metrics[name] ?? '') : ''}>
          <div className="kpi__value">{formatKpi(name, metrics, locale)}</div>
          <div className="kpi__label">{t(`kpi.${name}` as MessageKey)}</div>
        </div>
      ))}
    </section>
  );
}
