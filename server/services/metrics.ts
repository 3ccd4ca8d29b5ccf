// The city's vital signs, computed on the server so every screen states the same figure.
// Recomputed on a short period and pushed as `metrics` telemetry when they change.

import type { Actor, CityMetrics, YesterdayMetrics } from '../../shared/domain/types.ts';
import { localDayStart, localHour, median } from '../../shared/domain/time.ts';
import { evaluate, hotspots, type Evaluation, type EvaluationRecord, type EvaluationRow, type GroupBy, type Hotspot } from '../../shared/domain/evaluation.ts';
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
    overdue: inputs.overdue ?? 0,
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

/** What an evaluation covers: a district (an officer's own, whatever they ask), a unit, a category, a time range. */
export interface EvaluationScope {
  districtId?: string;
  unitId?: string;
  category?: string;
  from: string;
  to: string;
}

export interface MetricsSummary extends CityMetrics {
  scope: EvaluationScope;
  evaluation: Evaluation;
  /** Rates per 10,000 residents need populations; the fixtures give none, so this stays null. */
  perTenThousand: null;
}

export interface TimeseriesPoint {
  at: string;
  cases: number;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  overdue: number;
}

/** The day's 12345 rates on the live vital signs are recomputed at most this often. */
const EVALUATION_CACHE_MS = 30_000;
const MAX_BUCKETS = 800;

/** The pushed figures stand for "now" while refreshes keep confirming them within this many periods. */
const LIVE_PERIODS = 3;

/** Narrower than the whole city: a district, a unit or a category. */
const isScoped = (scope: EvaluationScope) => Boolean(scope.districtId || scope.unitId || scope.category);

export class MetricsService {
  private timer: NodeJS.Timeout | null = null;
  private lastKey = '';
  private today: { at: number; day: string; evaluation: Evaluation } | null = null;
  /** What the stream states: the figures last pushed, the evaluation behind their rates, and when a refresh last found them unchanged. */
  private pushed: { metrics: CityMetrics; evaluation: Evaluation; day: string; confirmedAt: number } | null = null;
  private refreshing: Promise<CityMetrics> | null = null;

  constructor(
    private readonly store: Store,
    private readonly hub: LiveHub,
    private readonly timeZone: string,
    private readonly periodMs = 2000,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async compute(now = this.clock()): Promise<CityMetrics> {
    const iso = now.toISOString();
    const dayStart = localDayStart(iso, this.timeZone);
    const inputs = await this.store.metricsInputs(dayStart, new Date(now.getTime() - ONLINE_INTERVALS * SENSOR_INTERVAL_MS).toISOString());
    const metrics = cityMetrics(inputs, iso, this.timeZone);
    metrics.yesterday = await this.yesterday(now);
    if (!this.today || this.today.day !== dayStart || now.getTime() - this.today.at > EVALUATION_CACHE_MS) {
      const evaluation = await this.store.evaluation({ from: dayStart, to: iso }, iso);
      this.today = { at: now.getTime(), day: dayStart, evaluation };
    }
    const e = this.today.evaluation;
    return { ...metrics, responseRate: e.responseRate, resolutionRate: e.resolutionRate, satisfactionRate: e.satisfactionRate };
  }

  /** The scope a caller may evaluate: an officer is held to their own district. */
  scopeFor(actor: Actor, q: { district?: string; unit?: string; category?: string; from?: string; to?: string }, now = this.clock()): EvaluationScope {
    const iso = now.toISOString();
    const to = q.to ? new Date(q.to).toISOString() : iso;
    const from = q.from ? new Date(q.from).toISOString() : localDayStart(to, this.timeZone);
    const districtId = actor.role === 'officer' ? (actor.districtId ?? '(none)') : q.district;
    return { from, to, ...(districtId ? { districtId } : {}), ...(q.unit ? { unitId: q.unit } : {}), ...(q.category ? { category: q.category } : {}) };
  }

  /** Open cases in scope (whenever created) whose stage limit has run out: counted where the store reads, not on the event loop. */
  private overdueNow(scope: EvaluationScope, now: string): Promise<number> {
    return this.store.overdueCount({ districtId: scope.districtId, category: scope.category, unitId: scope.unitId }, now);
  }

  /**
   * The city's summary as the stream states it — the figures last pushed and the day's evaluation
   * behind their rates — for a caller who asked for nothing narrower than today across the city (a
   * big screen before its snapshot). It costs nothing to answer, so the first figures reach a
   * screen while the server is busy, and they are the very ones the stream then confirms. Null
   * when those figures may no longer be current (before the first refresh, past midnight, while
   * refreshes fail): the caller computes instead.
   */
  liveSummary(scope: EvaluationScope, now = this.clock()): MetricsSummary | null {
    const p = this.pushed;
    if (!p || isScoped(scope)) return null;
    if (now.getTime() - p.confirmedAt > LIVE_PERIODS * this.periodMs || p.day !== localDayStart(now.toISOString(), this.timeZone)) return null;
    // As of the last refresh that found them unchanged (the pushed `at` is when they last moved).
    const at = new Date(p.confirmedAt).toISOString();
    return { ...p.metrics, at, scope: { from: p.day, to: at }, evaluation: p.evaluation, perTenThousand: null };
  }

  /** The vital signs and the evaluation for a scope. Live figures are city-wide unless a district is in scope. */
  async summary(scope: EvaluationScope, now = this.clock()): Promise<MetricsSummary> {
    const iso = now.toISOString();
    const scoped = isScoped(scope);
    // Scoped figures are counted from the records; the city's need only the evaluation, which the
    // store computes where it reads (off the event loop on SQLite) without sending the records.
    const cohort = scoped
      ? this.store.evaluationRecords(scope).then((records) => ({ records, evaluation: evaluate(records, iso) }))
      : this.store.evaluation(scope, iso).then((evaluation) => ({ records: [] as EvaluationRecord[], evaluation }));
    const [live, { records, evaluation }, overdue] = await Promise.all([this.compute(now), cohort, this.overdueNow(scope, iso)]);
    const dayStart = localDayStart(iso, this.timeZone);
    const base: CityMetrics = { ...live, overdue };
    if (scoped) {
      base.openIncidents = records.filter((r) => ['new', 'triaged', 'dispatched', 'accepted', 'on_scene', 'resolved'].includes(r.status)).length;
      base.newToday = records.filter((r) => r.createdAt >= dayStart).length;
      base.callsToday = records.filter((r) => r.source === 'hotline' && r.createdAt >= dayStart).length;
      base.incidentsByHour = new Array<number>(24).fill(0);
      for (const r of records) if (r.createdAt >= dayStart) base.incidentsByHour[localHour(r.createdAt, this.timeZone)]! += 1;
    }
    if (scope.districtId) {
      const [units, sensors] = await Promise.all([this.store.listUnits(), this.store.listSensors()]);
      const mine = units.filter((u) => u.homeDistrictId === scope.districtId);
      const here = sensors.filter((s) => s.districtId === scope.districtId);
      base.unitsAvailable = mine.filter((u) => u.status === 'available').length;
      base.unitsBusy = mine.filter((u) => u.status === 'busy').length;
      base.activeAlarms = here.filter((s) => s.level === 'alarm').length;
      base.sensorsOnlinePct = here.length ? Math.round((here.filter((s) => s.online).length / here.length) * 1000) / 10 : null;
    }
    return {
      ...base,
      medianDispatchMinutes: evaluation.stageMinutes.dispatch.median,
      medianArriveMinutes: evaluation.stageMinutes.arrive.median,
      responseRate: evaluation.responseRate,
      resolutionRate: evaluation.resolutionRate,
      satisfactionRate: evaluation.satisfactionRate,
      scope,
      evaluation,
      perTenThousand: null,
    };
  }

  /** The rates per local day or hour of creation across the scope's range. */
  async timeseries(scope: EvaluationScope, bucket: 'day' | 'hour', now = this.clock()): Promise<TimeseriesPoint[]> {
    const records = await this.store.evaluationRecords(scope);
    const starts: string[] = [];
    let at = bucket === 'day' ? localDayStart(scope.from, this.timeZone) : new Date(Math.floor(Date.parse(scope.from) / 3_600_000) * 3_600_000).toISOString();
    while (at < scope.to && starts.length < MAX_BUCKETS) {
      starts.push(at);
      // A day is 23–25 hours across DST: step into the next day, then back to its midnight.
      at = bucket === 'day' ? localDayStart(new Date(Date.parse(at) + 26 * 3_600_000).toISOString(), this.timeZone) : new Date(Date.parse(at) + 3_600_000).toISOString();
    }
    const iso = now.toISOString();
    return starts.map((start, i) => {
      const end = starts[i + 1] ?? scope.to;
      const e = evaluate(records.filter((r) => r.createdAt >= start && r.createdAt < end), iso);
      return { at: start, cases: e.cases, responseRate: e.responseRate, resolutionRate: e.resolutionRate, satisfactionRate: e.satisfactionRate, overdue: e.overdue };
    });
  }

  /** Performance table by district, unit or category, ranked. */
  async table(scope: EvaluationScope, by: GroupBy, now = this.clock()): Promise<EvaluationRow[]> {
    return this.store.evaluationTable(scope, by, now.toISOString());
  }

  /** 每月一题: the grid × category pairs with the most repeated complaints over the last 30 days. */
  async hotspots(districtId: string | undefined, now = this.clock()): Promise<Hotspot[]> {
    const iso = now.toISOString();
    const from = new Date(now.getTime() - 30 * 86_400_000).toISOString();
    return hotspots(await this.store.evaluationRecords({ from, to: iso, ...(districtId ? { districtId } : {}) }), iso);
  }

  /** Same time yesterday: the day before today's local start, up to now minus 24 hours. */
  private async yesterday(now: Date): Promise<YesterdayMetrics | null> {
    const todayStart = localDayStart(now.toISOString(), this.timeZone);
    const dayStart = localDayStart(new Date(Date.parse(todayStart) - 1).toISOString(), this.timeZone);
    const sameTime = new Date(now.getTime() - DAY_MS).toISOString();
    return yesterdayMetrics(await this.store.yesterdayInputs(dayStart, sameTime, todayStart), this.timeZone);
  }

  /**
   * The plain summary (today, the whole city, nothing narrower): the figures the stream states. When
   * no refresh has confirmed them lately — a busy server — this waits for the refresh under way or
   * starts one, rather than computing a second time beside it: callers arriving together (screens
   * reloading after a restart) share one computation, and what they are told is what is pushed.
   * Null when the figures are still not current after it: the caller computes instead.
   */
  async currentSummary(scope: EvaluationScope): Promise<MetricsSummary | null> {
    const live = this.liveSummary(scope);
    if (live || isScoped(scope)) return live;
    await (this.refreshing ?? this.refresh()).catch(() => undefined);
    return this.liveSummary(scope);
  }

  /** Compute now and push if anything but the timestamp changed. */
  refresh(): Promise<CityMetrics> {
    const run: Promise<CityMetrics> = this.computeAndPush().finally(() => {
      if (this.refreshing === run) this.refreshing = null;
    });
    this.refreshing = run;
    return run;
  }

  private async computeAndPush(): Promise<CityMetrics> {
    const now = this.clock();
    const metrics = await this.compute(now);
    const key = JSON.stringify({ ...metrics, at: '' });
    if (key !== this.lastKey || !this.pushed) {
      this.lastKey = key;
      this.hub.setMetrics(metrics);
      this.pushed = { metrics, evaluation: this.today!.evaluation, day: this.today!.day, confirmedAt: now.getTime() };
    } else {
      this.pushed.confirmedAt = now.getTime();
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
