// Pure: the vital signs as the screen states them. Every figure is the server's (metrics summary);
// the only arithmetic here is the difference from the server's own figure for yesterday.

import type { CityMetrics } from '../../../shared/domain/types.ts';
import type { Locale } from '../../../shared/i18n/index.ts';

export const KPI_NAMES = [
  'openIncidents',
  'newToday',
  'overdue',
  'callsToday',
  'activeAlarms',
  'sensorsOnlinePct',
  'unitsAvailable',
  'unitsBusy',
  'medianDispatchMinutes',
  'medianArriveMinutes',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

/** Which way is better: up for capacity, down for load and delay. */
export const KPI_BETTER: Record<KpiName, 'up' | 'down' | 'neutral'> = {
  openIncidents: 'down',
  newToday: 'neutral',
  overdue: 'down',
  callsToday: 'neutral',
  activeAlarms: 'down',
  sensorsOnlinePct: 'up',
  unitsAvailable: 'up',
  unitsBusy: 'neutral',
  medianDispatchMinutes: 'down',
  medianArriveMinutes: 'down',
};

const numberFormats = new Map<string, Intl.NumberFormat>();
export function formatNumber(value: number, locale: Locale, digits = 1): string {
  const key = `${locale}:${digits}`;
  let f = numberFormats.get(key);
  if (!f) numberFormats.set(key, (f = new Intl.NumberFormat(locale, { maximumFractionDigits: digits })));
  return f.format(value);
}

const timeFormats = new Map<string, Intl.DateTimeFormat>();
export function formatTime(iso: string, locale: Locale, timeZone: string): string {
  const key = `${locale}:${timeZone}`;
  let f = timeFormats.get(key);
  if (!f) timeFormats.set(key, (f = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })));
  return f.format(new Date(iso));
}

export function kpiValue(name: KpiName, metrics: CityMetrics | null): number | null {
  const v = metrics?.[name];
  return typeof v === 'number' ? v : null;
}

export function formatKpi(name: KpiName, metrics: CityMetrics | null, locale: Locale): string {
  const value = kpiValue(name, metrics);
  if (value === null) return '—';
  const text = formatNumber(value, locale);
  return name === 'sensorsOnlinePct' ? `${text}%` : text;
}

export interface KpiDelta {
  /** Today minus the same time yesterday. */
  diff: number;
  /** 'better' | 'worse' | 'same' | 'neutral' from the metric's direction. */
  tone: 'better' | 'worse' | 'same' | 'neutral';
}

/** Change against the same time yesterday, when the server states yesterday's figure. */
export function kpiDelta(name: KpiName, metrics: CityMetrics | null): KpiDelta | null {
  const today = kpiValue(name, metrics);
  const y = metrics?.yesterday;
  if (today === null || !y || !(name in y)) return null;
  const before = y[name as keyof typeof y];
  if (typeof before !== 'number') return null;
  const diff = Math.round((today - before) * 10) / 10;
  const better = KPI_BETTER[name];
  const tone = diff === 0 ? 'same' : better === 'neutral' ? 'neutral' : (diff > 0) === (better === 'up') ? 'better' : 'worse';
  return { diff, tone };
}

export function formatDelta(delta: KpiDelta, locale: Locale): string {
  if (delta.diff === 0) return '±0';
  const sign = delta.diff > 0 ? '+' : '−';
  return `${sign}${formatNumber(Math.abs(delta.diff), locale)}`;
}
