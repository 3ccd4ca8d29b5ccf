// Drives the demo city live: replays the seeded city day through the same ingest path as real
// events, moves units, and plays the part of the center's staff for most cases (triage, dispatch
// the nearest skilled unit, drive there, resolve, verify) so the loop is visibly turning.

import { distanceMeters } from '../../shared/domain/geo.ts';
import { localHour } from '../../shared/domain/time.ts';
import type { Incident, LonLat, Unit } from '../../shared/domain/types.ts';
import type { Store, UnitPosition } from '../store/Store.ts';
import type { LiveHub } from '../realtime/liveHub.ts';
import type { CityReference } from '../services/cityReference.ts';
import type { IncidentService } from '../services/incidents.ts';
import type { IngestService } from './ingestService.ts';
import { CityDay, RAINSTORM, type Generated } from './cityDay.ts';
import { SIM_DISPATCHER as DISPATCHER, SIM_SUPERVISOR as SUPERVISOR, simOfficerOf as officerOf, triageIfNew } from './simulatedStaff.ts';

export interface SimulatorOptions {
  seed: number;
  speed: number;
  tickMs?: number;
  timeZone?: string;
  /** Share of new cases the simulated staff handle end to end. */
  handledShare?: number;
  scenario?: 'none' | 'rainstorm';
  /** The demo's past, whose cases still under way go on in real time. */
  history?: { runDue(now: Date): Promise<void> } | null;
}

type Job =
  | { kind: 'dispatch'; dueStep: number; incidentId: string }
  | { kind: 'resolve'; dueStep: number; incidentId: string; taskId: string; unitId: string }
  | { kind: 'verify'; dueStep: number; incidentId: string };

const MAX_STEPS_PER_TICK = 600;
const ARRIVAL_RADIUS_M = 40;

export class Simulator {
  private readonly day: CityDay;
  private readonly runId = Date.now().toString(36);
  private timer: NodeJS.Timeout | null = null;
  private startedAt = 0;
  private busy = false;
  private jobs: Job[] = [];
  /** Units on their way: unit id → where they are going and the task that sent them. */
  private readonly enRoute = new Map<string, { target: LonLat; incidentId: string; taskId: string }>();
  private readonly speedOf = new Map<string, number>();
  readonly stats = { steps: 0, events: 0 };

  constructor(
    private readonly ingest: IngestService,
    private readonly store: Store,
    private readonly hub: LiveHub,
    private readonly city: CityReference,
    private readonly options: SimulatorOptions,
    private readonly incidents?: IncidentService,
  ) {
    this.day = new CityDay({
      seed: options.seed,
      categories: [...city.categories.values()],
      sensors: city.sensors,
      addresses: city.addresses,
      ...(options.scenario === 'rainstorm' ? { scenario: rainstormFor(city, options.speed), lowLyingGrids: lowLying(city) } : {}),
    });
    for (const t of city.unitTypes) this.speedOf.set(t.type, t.speedKmh);
  }

  start(): void {
    this.startedAt = Date.now();
    const tickMs = this.options.tickMs ?? 250;
    this.timer = setInterval(() => {
      if (this.busy) return;
      this.busy = true;
      this.tick()
        .catch(() => undefined)
        .finally(() => {
          this.busy = false;
        });
    }, tickMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async tick(): Promise<void> {
    const target = Math.floor(((Date.now() - this.startedAt) / 1000) * this.options.speed);
    const steps = Math.min(MAX_STEPS_PER_TICK, target - this.day.stepIndex);
    if (steps <= 0) return;
    const now = new Date();
    const hour = localHour(now.toISOString(), this.options.timeZone ?? 'America/Chicago');
    const generated: Generated[] = [];
    for (let i = 0; i < steps; i += 1) generated.push(...this.day.next(hour));
    this.stats.steps += steps;
    this.stats.events += generated.length;

    const results = generated.length ? await this.ingest.submit(generated.map((g) => this.toEvent(g, now)), now) : [];
    if (this.incidents) {
      const share = this.options.handledShare ?? 0.8;
      for (const r of results) {
        if (r.incidentId && r.status === 'accepted' && Math.random() < share) {
          this.jobs.push({ kind: 'dispatch', dueStep: this.day.stepIndex + 60 + Math.floor(Math.random() * 240), incidentId: r.incidentId });
        }
      }
      await this.runJobs(now);
    }
    await this.options.history?.runDue(now);
    await this.moveUnits(steps, now);
  }

  private toEvent(g: Generated, now: Date) {
    const occurredAt = now.toISOString();
    const sourceEventId = `sim-${this.runId}-${g.id}`;
    switch (g.kind) {
      case 'reading':
        return { source: 'sensor', sourceEventId, occurredAt, payload: { sensorId: g.sensorId, metric: g.metric, value: g.value } };
      case 'call':
        return {
          source: 'hotline',
          sourceEventId,
          occurredAt,
          payload: {
            callId: g.id,
            caller: g.caller,
            text: g.text,
            address: g.address,
            location: g.location,
            ...(g.categoryHint ? { categoryHint: g.categoryHint } : {}),
            wantsCallback: true,
          },
        };
      case 'report':
        return { source: g.source, sourceEventId, occurredAt, payload: { category: g.category, text: g.text, location: g.location, reporter: 'sim' } };
    }
  }

  private async runJobs(now: Date): Promise<void> {
    const step = this.day.stepIndex;
    const due = this.jobs.filter((j) => j.dueStep <= step);
    this.jobs = this.jobs.filter((j) => j.dueStep > step);
    for (const job of due) {
      const incident = await this.store.getIncident(job.incidentId);
      if (!incident) continue;
      if (job.kind === 'dispatch') await this.dispatch(incident, now);
      else if (job.kind === 'resolve') await this.resolve(incident, job.taskId, job.unitId, now);
      else await this.incidents!.act(incident.id, { action: 'verify', version: incident.version, ok: true, note: 'sim' }, SUPERVISOR, now);
    }
  }

  private async dispatch(incident: Incident, now: Date): Promise<void> {
    const service = this.incidents!;
    const current = await triageIfNew(service, this.city, incident, now);
    if (current?.status !== 'triaged' || !current.location) return;
    // The simulated dispatcher takes the first recommended unit that is not already on its way.
    const ranked = (await service.recommendations(current.id, DISPATCHER)) ?? [];
    const pick = ranked.find((r) => r.factors.status === 'available' && !this.enRoute.has(r.unitId));
    const unit = pick ? await this.store.getUnit(pick.unitId) : undefined;
    if (!unit) return;
    const reason = pick === ranked[0] ? undefined : 'recommended unit already on another job';
    const dispatched = await service.act(current.id, { action: 'dispatch', version: current.version, unitId: unit.id, ...(reason ? { reason } : {}) }, DISPATCHER, now);
    if (!dispatched.ok) return;
    const task = (await this.store.tasksOf(current.id)).find((t) => t.unitId === unit.id && t.status === 'assigned');
    if (!task) return;
    const officer = officerOf(unit);
    const accepted = await service.actOnTask(task.id, { action: 'accept', version: task.version }, officer, now);
    if (accepted.ok) this.enRoute.set(unit.id, { target: current.location, incidentId: current.id, taskId: task.id });
  }

  private async resolve(incident: Incident, taskId: string, unitId: string, now: Date): Promise<void> {
    const task = await this.store.getTask(taskId);
    const unit = await this.store.getUnit(unitId);
    if (!task || !unit) return;
    const done = await this.incidents!.actOnTask(taskId, { action: 'resolve', version: task.version, note: '已处置 / handled' }, officerOf(unit), now);
    if (done.ok) this.jobs.push({ kind: 'verify', dueStep: this.day.stepIndex + 120 + Math.floor(Math.random() * 300), incidentId: incident.id });
  }

  /** Units on a job drive to it; the others drift on patrol. One store write for all of them. */
  private async moveUnits(steps: number, now: Date): Promise<void> {
    const at = now.toISOString();
    const updates: UnitPosition[] = [];
    const arrived: { unit: Unit; taskId: string; incidentId: string }[] = [];
    for (const unit of await this.store.listUnits()) {
      const job = this.enRoute.get(unit.id);
      if (job) {
        const metres = ((this.speedOf.get(unit.type) ?? 25) / 3.6) * steps;
        const next = moveToward(unit.position, job.target, metres);
        updates.push({ unitId: unit.id, position: next, at });
        if (distanceMeters(next, job.target) <= ARRIVAL_RADIUS_M) arrived.push({ unit, taskId: job.taskId, incidentId: job.incidentId });
      } else if (unit.status === 'available' && Math.random() < 0.2) {
        updates.push({ unitId: unit.id, position: moveToward(unit.position, jitter(unit.position, 150), 1.2 * steps), at });
      }
    }
    for (const unit of await this.store.setUnitPositions(updates)) this.hub.unit(unit);
    for (const { unit, taskId, incidentId } of arrived) {
      this.enRoute.delete(unit.id);
      const task = await this.store.getTask(taskId);
      if (!task) continue;
      const onScene = await this.incidents!.actOnTask(taskId, { action: 'arrive', version: task.version }, officerOf(unit), now);
      if (onScene.ok) {
        this.jobs.push({ kind: 'resolve', dueStep: this.day.stepIndex + 300 + Math.floor(Math.random() * 900), incidentId, taskId, unitId: unit.id });
      }
    }
  }
}

function lowLying(city: CityReference): Set<string> {
  return new Set(city.grids.features.filter((g) => g.properties.lowLying).map((g) => g.properties.id));
}

/**
 * Readings carry real timestamps while simulated time runs `speed` times faster, so an alarm's
 * dwell (real seconds) spans `dwell × speed` steps: flooding calls wait until the alarms are up,
 * so that they join the cases the alarms opened.
 */
function rainstormFor(city: CityReference, speed: number) {
  const dwell = Math.max(0, ...city.sensors.filter((s) => s.kind === 'water_level').map((s) => s.rule.dwellSec));
  const up = RAINSTORM.startStep + RAINSTORM.rampSteps + Math.ceil((dwell + 60) * speed);
  return { ...RAINSTORM, callsFromStep: up };
}

function moveToward(from: LonLat, to: LonLat, metres: number): LonLat {
  const d = distanceMeters(from, to);
  if (d <= metres || d === 0) return to;
  const f = metres / d;
  return [Number((from[0] + (to[0] - from[0]) * f).toFixed(6)), Number((from[1] + (to[1] - from[1]) * f).toFixed(6))];
}

function jitter([lon, lat]: LonLat, metres: number): LonLat {
  const d = metres / 111_320;
  return [lon + (Math.random() - 0.5) * 2 * d, lat + (Math.random() - 0.5) * 2 * d];
}

