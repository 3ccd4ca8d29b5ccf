// The demo city's past. On a first start with the simulator on, yesterday and today so far are
// played through the same ingest path and the same commands as live work, each at its own time
// (calls, reports, and the readings of the sensors that went into alarm), so the screens' hourly
// charts, the alarms per hour, "same time yesterday", the evaluation rates and the deadlines have
// real records from the first minute. Cases still under way when the past catches up with
// the present go on in real time (`runDue`), so no unit is left holding a case for ever.

import seedrandom from 'seedrandom';
import { localDayStart, localHour } from '../../shared/domain/time.ts';
import type { Incident, Task } from '../../shared/domain/types.ts';
import type { Store } from '../store/Store.ts';
import type { CityReference } from '../services/cityReference.ts';
import type { IncidentService } from '../services/incidents.ts';
import type { DeadlineService } from '../services/deadlines.ts';
import type { IngestService } from './ingestService.ts';
import { CityDay, type Generated } from './cityDay.ts';
import { planCase, type CaseStep, type StageLimitsMin } from './casePlan.ts';
import { SIM_DISPATCHER, SIM_SUPERVISOR, simOfficerOf, triageIfNew } from './simulatedStaff.ts';

const MINUTE = 60_000;
const DEFAULT_LIMITS: StageLimitsMin = { dispatch: 30, accept: 30, arrive: 60, resolve: 480 };

interface Due {
  at: number;
  incidentId: string;
  step: CaseStep;
}

export interface HistoryStats {
  events: number;
  cases: number;
  commands: number;
  refused: number;
  /** Steps still to come, continued in real time. */
  pending: number;
}

/** Where the demo's past begins: local midnight of the day before `now`, in the city's zone. */
export function historyStart(now: Date, timeZone: string): Date {
  const today = localDayStart(now.toISOString(), timeZone);
  return new Date(localDayStart(new Date(Date.parse(today) - 12 * 3600_000).toISOString(), timeZone));
}

export class DemoHistory {
  private readonly rng: seedrandom.PRNG;
  private queue: Due[] = [];
  private readonly planned = new Set<string>();
  readonly stats: HistoryStats = { events: 0, cases: 0, commands: 0, refused: 0, pending: 0 };

  constructor(
    private readonly deps: { ingest: IngestService; incidents: IncidentService; store: Store; city: CityReference; deadlines?: DeadlineService },
    private readonly options: { seed: number; timeZone: string },
  ) {
    this.rng = seedrandom(`history:${options.seed}`);
  }

  /**
   * Play calls and reports from `from` to `to`, minute by minute, with the staff's steps between
   * them; one bulk commit per simulated hour. Only before the server takes any other traffic.
   */
  async play(from: Date, to: Date): Promise<HistoryStats> {
    const { city, store } = this.deps;
    // Of the readings, only the anomalies' are played: the day's alarms (and the cases they open)
    // show on the screens; the millions of ordinary readings around them would change nothing.
    const day = new CityDay({ seed: this.options.seed + 1, categories: [...city.categories.values()], sensors: city.sensors, addresses: city.addresses, readings: 'anomalies' });
    for (let hourStart = from.getTime(); hourStart < to.getTime(); hourStart += 60 * MINUTE) {
      const hourEnd = Math.min(to.getTime(), hourStart + 60 * MINUTE);
      await store.bulkLoad(async () => {
        for (let minute = hourStart; minute < hourEnd; minute += MINUTE) {
          const hour = localHour(new Date(minute).toISOString(), this.options.timeZone);
          const generated: Generated[] = [];
          const seconds = Math.min(60, Math.floor((hourEnd - minute) / 1000));
          for (let s = 0; s < seconds; s += 1) generated.push(...day.next(hour));
          const at = new Date(minute + seconds * 1000);
          await this.runDue(at);
          if (generated.length > 0) await this.submit(generated, at);
        }
      });
    }
    await this.runDue(to);
    return this.stats;
  }

  /** Take every step whose time has come, oldest first. */
  async runDue(now: Date): Promise<void> {
    const cutoff = now.getTime();
    let index = 0;
    while (index < this.queue.length && this.queue[index]!.at <= cutoff) index += 1;
    const due = this.queue.splice(0, index);
    for (const item of due) await this.take(item, new Date(item.at));
    this.stats.pending = this.queue.length;
  }

  private async submit(generated: Generated[], at: Date): Promise<void> {
    const occurredAt = at.toISOString();
    const events = generated.map((g) =>
      g.kind === 'call'
        ? {
            source: 'hotline',
            sourceEventId: `hist-${this.options.seed}-${g.id}`,
            occurredAt,
            payload: { callId: `hist-${g.id}`, caller: g.caller, text: g.text, address: g.address, location: g.location, ...(g.categoryHint ? { categoryHint: g.categoryHint } : {}), wantsCallback: true },
          }
        : g.kind === 'report'
          ? { source: g.source, sourceEventId: `hist-${this.options.seed}-${g.id}`, occurredAt, payload: { category: g.category, text: g.text, location: g.location, reporter: 'sim' } }
          : { source: 'sensor', sourceEventId: `hist-${this.options.seed}-${g.id}`, occurredAt, payload: { sensorId: g.sensorId, metric: g.metric, value: g.value } },
    );
    const results = await this.deps.ingest.submit(events, at);
    this.stats.events += events.length;
    for (const [i, r] of results.entries()) {
      // A repeated call joins a case already planned: that case's plan stands.
      if (r.status !== 'accepted' || !r.incidentId || this.planned.has(r.incidentId)) continue;
      this.planned.add(r.incidentId);
      this.stats.cases += 1;
      const incident = await this.deps.store.getIncident(r.incidentId);
      if (!incident) continue;
      const limits = (incident.category && this.deps.city.categories.get(incident.category)?.deadlinesMin) || DEFAULT_LIMITS;
      for (const { afterMs, step } of planCase(this.rng, limits, events[i]!.source === 'hotline')) {
        this.enqueue({ at: at.getTime() + afterMs, incidentId: r.incidentId, step });
      }
    }
  }

  private enqueue(item: Due): void {
    // Binary search keeps the queue in time order; equal times keep their planning order.
    let lo = 0;
    let hi = this.queue.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.queue[mid]!.at <= item.at) lo = mid + 1;
      else hi = mid;
    }
    this.queue.splice(lo, 0, item);
  }

  private async take(item: Due, now: Date): Promise<void> {
    const incident = await this.deps.store.getIncident(item.incidentId);
    if (!incident) return;
    const ok = await this.step(incident, item.step, now);
    this.stats.commands += 1;
    if (!ok) {
      // The case went another way (merged, or a person took it over): its remaining plan is void.
      this.stats.refused += 1;
      this.queue = this.queue.filter((q) => q.incidentId !== item.incidentId);
    }
  }

  /** A return goes to the supervisor for arbitration (退回仲裁); in the past it was upheld at once. */
  private async upholdReturn(incidentId: string, now: Date): Promise<void> {
    const { store, deadlines } = this.deps;
    if (!deadlines) return;
    const pending = await store.listDeadlineRequests({ incidentId, status: 'pending', limit: 10 });
    for (const request of pending.filter((r) => r.kind === 'return')) {
      await deadlines.decide(request.id, true, '确属他单位职责 / not theirs indeed', SIM_SUPERVISOR, now);
    }
  }

  private async step(incident: Incident, step: CaseStep, now: Date): Promise<boolean> {
    const { incidents, store, city } = this.deps;
    switch (step.kind) {
      case 'dispatch': {
        const current = await triageIfNew(incidents, city, incident, now);
        if (current?.status !== 'triaged') return false;
        const [top] = (await incidents.recommendations(current.id, SIM_DISPATCHER)) ?? [];
        if (!top) return false;
        return (await incidents.act(current.id, { action: 'dispatch', version: current.version, unitId: top.unitId }, SIM_DISPATCHER, now)).ok;
      }
      case 'accept':
      case 'arrive':
      case 'resolve':
      case 'return': {
        const task = openTask(await store.tasksOf(incident.id));
        const unit = task ? await store.getUnit(task.unitId) : undefined;
        if (!task || !unit) return false;
        const extra = step.kind === 'resolve' ? { note: '已处置 / handled' } : step.kind === 'return' ? { reason: '不属本单位职责 / not ours' } : {};
        const done = (await incidents.actOnTask(task.id, { action: step.kind, version: task.version, ...extra }, simOfficerOf(unit), now)).ok;
        if (done && step.kind === 'return') await this.upholdReturn(incident.id, now);
        return done;
      }
      case 'verify':
        return (
          await incidents.act(
            incident.id,
            { action: 'verify', version: incident.version, ok: step.ok, note: step.ok ? '核查通过 / verified' : '现场未整改到位 / not fixed on site' },
            SIM_SUPERVISOR,
            now,
          )
        ).ok;
      case 'rate':
        return (await incidents.act(incident.id, { action: 'rate', version: incident.version, satisfaction: step.satisfaction }, SIM_SUPERVISOR, now)).ok;
    }
  }
}

function openTask(tasks: readonly Task[]): Task | undefined {
  return tasks.find((t) => t.status === 'assigned' || t.status === 'accepted' || t.status === 'on_scene');
}
