// The city's vital signs, computed on the server so every screen states the same figure.
// Recomputed on a short period and pushed as `metrics` telemetry when they change.

import type { CityMetrics } from '../../shared/domain/types.ts';
import { localDayStart, localHour, median } from '../../shared/domain/time.ts';
import type { MetricsInputs, Store } from '../store/Store.ts';
import type { LiveHub } from '../realtime/liveHub.ts';

/** A sensor counts as online if it reported within this many of its intervals. */
const ONLINE_INTERVALS = 3;
const SENSOR_INTERVAL_MS = 60_000;

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
    return cityMetrics(inputs, iso, this.timeZone);
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
