// The city's vital signs, computed on the server so every screen states the same figure.
// Recomputed on a short period and pushed as `metrics` telemetry when they change.

import type { CityMetrics, YesterdayMetrics } from '../../shared/domain/types.ts';
import { localDayStart, localHour, median } from '../../shared/domain/time.ts';
import type { MetricsInputs, Store, YesterdayInputs } from '../store/Store.ts';
import type { LiveHub } from '../realtime/liveHub.ts';

/** A sensor counts as online if it reported within this many of its intervals. */
const ONLINE_INTERVALS = 3;
const SENSOR_INTERVAL_MS = 60_000;

const DAY_MS = 86_400_000;

/** Pure: yesterday's figures up to the same time of day, in the city's local hours. */
export function yesterdayMetrics(inputs: YesterdayInputs, timeZone: string): YesterdayMetrics {
  const byHour = new Array<number>(24).fill(0);
  for (const { minute, count } of inputs.createdPerMinute) byHour[localHour(minute, timeZone)]! += count;
  const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    newToday: inputs.newToday,
    callsToday: inputs.callsToday,
    medianDispatchMinutes: round1(median(inputs.dispatchMinutes)),
    medianArriveMinutes: round1(median(inputs.arriveMinutes)),
    incidentsByHour: byHour,
  };
}

export function cityMetrics(inputs: MetricsInputs, now: string, timeZone: string): CityMetrics {
  const byHour = new Array<number>(24).fill(0);
  for (const { minute, count } of inputs.createdPerMinute) byHour[localHour(minute, timeZone)]! += count;
  const round1 = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    at: now,
    openIncidents: inputs.openIncidents,
    newToday: inputs.newToday,
    // Deadlines arrive with the evaluation issue; until then nothing is counted overdue.
    overdue: 0,
    callsToday: inputs.callsToday,
    activeAlarms: inputs.activeAlarms,
    sensorsOnlinePct: inputs.sensorsTotal > 0 ? Math.round((inputs.sensorsOnline / inputs.sensorsTotal) * 1000) / 10 : null,
    unitsAvailable: inputs.unitsAvailable,
    unitsBusy: inputs.unitsBusy,
    medianDispatchMinutes: round1(median(inputs.dispatchMinutes)),
    medianArriveMinutes: round1(median(inputs.arriveMinutes)),
    responseRate: null,
    resolutionRate: null,
    satisfactionRate: null,
    incidentsByHour: byHour,
  };
}

export class MetricsService {
  private timer: NodeJS.Timeout | null = null;
  private lastKey = '';

  constructor(
    private readonly store: Store,
    private readonly hub: LiveHub,
    private readonly timeZone: string,
    private readonly periodMs = 2000,
  ) {}

  async compute(now = new Date()): Promise<CityMetrics> {
    const iso = now.toISOString();
    const inputs = await this.store.metricsInputs(
      localDayStart(iso, this.timeZone),
      new Date(now.getTime() - ONLINE_INTERVALS * SENSOR_INTERVAL_MS).toISOString(),
    );
    const metrics = cityMetrics(inputs, iso, this.timeZone);
    metrics.yesterday = await this.yesterday(now);
    return metrics;
  }

  /** Same time yesterday: the day before today's local start, up to now minus 24 hours. */
  private async yesterday(now: Date): Promise<YesterdayMetrics | null> {
    if (!this.store.yesterdayInputs) return null;
    const todayStart = localDayStart(now.toISOString(), this.timeZone);
    const dayStart = localDayStart(new Date(Date.parse(todayStart) - 1).toISOString(), this.timeZone);
    const sameTime = new Date(now.getTime() - DAY_MS).toISOString();
    return yesterdayMetrics(await this.store.yesterdayInputs(dayStart, sameTime, todayStart), this.timeZone);
  }

  /** Compute now and push if anything but the timestamp changed. */
  async refresh(): Promise<CityMetrics> {
    const metrics = await this.compute();
    const key = JSON.stringify({ ...metrics, at: '' });
    if (key !== this.lastKey) {
      this.lastKey = key;
      this.hub.setMetrics(metrics);
    }
    return metrics;
  }

  start(): void {
    const tick = () => {
      this.refresh()
        .catch(() => undefined)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(tick, this.periodMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
