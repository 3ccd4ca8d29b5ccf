// The clock on every case. Commands stamp incidents with their new deadline in the command's own
// transaction; this scheduler takes the escalation steps (催办 at 80%, 督办 level 1 when overdue,
// level 2 at 150%) as time passes. One scheduler runs for the whole deployment: it holds a lease
// in the store, and every step is decided inside the incident's transaction against the steps
// already recorded on it, so a step is taken once even across restarts and competing processes.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  computeDeadline,
  escalationDue,
  profileFor,
  sameDeadline,
  stampDeadline,
  type DeadlineProfile,
} from '../../shared/domain/deadlines.ts';
import type { WorkCalendar } from '../../shared/domain/workCalendar.ts';
import { isOpen, type Refusal } from '../../shared/domain/incidentMachine.ts';
import type { Actor, DeadlineRequest, EscalationStep, Incident, IncidentPause, TimelineEntry } from '../../shared/domain/types.ts';
import type { DeadlineRequestReq } from '../../shared/protocol/schemas.ts';
import type { IncidentUpdate, Store } from '../store/Store.ts';
import type { LiveHub } from '../realtime/liveHub.ts';
import type { CityReference } from './cityReference.ts';
import { canSee, type CommandOutcome } from './incidents.ts';

export const SCHEDULER_LEASE = 'deadline-scheduler';
const DUE_PAGE = 200;

export interface DeadlineOptions {
  tickMs: number;
  /** How long a lease lasts without renewal; another process takes over after it. */
  leaseTtlMs?: number;
  /** Profiles to seed an empty store with (fixtures/city/deadlines.json). */
  fixturesDir: string;
  /** Names this process in the lease; unique per instance by default. */
  holder?: string;
}

/** Reads the fixture profiles; an absent file means "the categories' own limits". */
export function fixtureProfiles(cityDir: string): DeadlineProfile[] {
  const file = path.join(cityDir, 'city/deadlines.json');
  if (!fs.existsSync(file)) return [];
  return (JSON.parse(fs.readFileSync(file, 'utf8')) as { profiles: DeadlineProfile[] }).profiles;
}

function refused(code: Refusal['code'], rule: string, currentVersion: number): IncidentUpdate {
  return { decision: { ok: false, refusal: { code, rule, currentVersion } } };
}

export class DeadlineService {
  readonly holder: string;
  private profiles: DeadlineProfile[] = [];
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<number> | null = null;
  private recomputed = false;
  private readonly leaseTtlMs: number;

  constructor(
    private readonly store: Store,
    private readonly hub: LiveHub,
    private readonly city: CityReference,
    readonly calendar: WorkCalendar,
    private readonly clock: () => Date,
    private readonly options: DeadlineOptions,
  ) {
    this.holder = options.holder ?? `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.leaseTtlMs = options.leaseTtlMs ?? Math.max(30_000, options.tickMs * 4);
  }

  /** Load the profiles (seeding an empty store from the fixtures). */
  async load(): Promise<void> {
    let profiles = await this.store.listDeadlineProfiles();
    if (profiles.length === 0) {
      profiles = fixtureProfiles(this.options.fixturesDir);
      if (profiles.length) await this.store.saveDeadlineProfiles(profiles, null, this.clock().toISOString());
    }
    this.profiles = profiles;
  }

  listProfiles(): DeadlineProfile[] {
    return this.profiles;
  }

  /** An admin replaces the profiles: audited; every open case's clock is recomputed. */
  async saveProfiles(profiles: DeadlineProfile[], actor: Actor): Promise<void> {
    await this.store.saveDeadlineProfiles(profiles, actor.id, this.clock().toISOString());
    this.profiles = profiles;
    await this.recomputeAll();
  }

  profileOf(incident: Pick<Incident, 'category' | 'severity'>): DeadlineProfile {
    const category = incident.category ? this.city.categories.get(incident.category) : undefined;
    return (
      profileFor(this.profiles, incident.category, incident.severity, category) ?? {
        category: '*',
        severity: '*',
        limits: {
          dispatch: { amount: 30, unit: 'minutes' },
          accept: { amount: 30, unit: 'minutes' },
          arrive: { amount: 120, unit: 'minutes' },
          resolve: { amount: 8, unit: 'work_hours' },
          case: { amount: 5, unit: 'work_days' },
        },
      }
    );
  }

  now(): string {
    return this.clock().toISOString();
  }

  /** The incident after a command at `at`, with its clock facts and new deadline (pure; runs in the command's transaction). */
  stamp = (before: Incident, after: Incident, at: string): Incident => stampDeadline(before, after, this.profileOf(after), this.calendar, at);

  /** A newly opened incident's first deadline (the dispatch clock starts at creation). */
  stampNew = (incident: Incident): Incident => stampDeadline(incident, incident, this.profileOf(incident), this.calendar, incident.createdAt);

  private refresher(now: string) {
    return (incident: Incident) => {
      if (!isOpen(incident.status)) return incident.deadline ? null : undefined;
      const next = computeDeadline(incident, this.profileOf(incident), this.calendar, now);
      return sameDeadline(incident.deadline, next) ? undefined : next;
    };
  }

  /** Recompute every open case's deadline (start-up, profile edits); publishes what changed. */
  async recomputeAll(): Promise<number> {
    const now = this.now();
    let after = '';
    let changed = 0;
    for (;;) {
      const page = await this.store.openIncidents(after, 500);
      if (page.length === 0) break;
      const changes = await this.store.refreshDeadlines(page.map((i) => i.id), this.refresher(now), now);
      changed += changes.length;
      this.hub.publish(changes);
      after = page[page.length - 1]!.id;
    }
    return changed;
  }

  /**
   * One pass: if this process holds the lease, take every escalation step that is due. Returns
   * the number of steps taken. Concurrent calls share one pass.
   */
  tick(): Promise<number> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async pass(): Promise<number> {
    const now = this.now();
    if (!(await this.store.acquireLease(SCHEDULER_LEASE, this.holder, this.leaseTtlMs, now))) return 0;
    // The first pass as lease holder recomputes every clock: deadlines may have passed while no scheduler ran.
    if (!this.recomputed) {
      await this.recomputeAll();
      this.recomputed = true;
    }
    let steps = 0;
    const seen = new Set<string>();
    for (;;) {
      const due = (await this.store.dueDeadlines(now, DUE_PAGE)).filter((i) => !seen.has(i.id));
      if (due.length === 0) break;
      for (const incident of due) {
        seen.add(incident.id);
        steps += await this.advance(incident.id, now);
      }
    }
    return steps;
  }

  /** Take every step due on one case, one transaction each, then bring its next look up to date. */
  private async advance(id: string, now: string): Promise<number> {
    let steps = 0;
    for (let i = 0; i < 3; i += 1) {
      const result = await this.store.updateIncident(id, (incident) => this.escalate(incident, now), now);
      if (!result?.decision.ok) break;
      this.hub.publish(result.changes);
      steps += 1;
    }
    this.hub.publish(await this.store.refreshDeadlines([id], this.refresher(now), now));
    return steps;
  }

  /** Pure decision of the next escalation step, against the steps already recorded on the case. */
  private escalate(incident: Incident, now: string): IncidentUpdate {
    if (!isOpen(incident.status)) return refused('invalid_state', 'closed cases do not escalate', incident.version);
    const profile = this.profileOf(incident);
    const deadline = computeDeadline(incident, profile, this.calendar, now);
    const step = escalationDue(deadline);
    if (!deadline || !step) return refused('invalid_state', 'no escalation step is due', incident.version);
    const marked: Incident = { ...incident, deadline: { ...deadline, fired: [...(deadline.fired ?? []), step] } };
    const level = step === 'level2' ? 2 : step === 'overdue' ? Math.max(1, incident.escalationLevel) : incident.escalationLevel;
    const next: Incident = {
      ...marked,
      escalationLevel: level as Incident['escalationLevel'],
      version: incident.version + 1,
      updatedAt: now,
      deadline: computeDeadline(marked, profile, this.calendar, now),
    };
    const entry: TimelineEntry = { at: now, action: escalationAction(step), actorId: null, from: incident.status, to: incident.status, note: deadline.stage };
    return { decision: { ok: true, incident: next, entry }, audit: { actorId: null, reason: `${deadline.stage} ${Math.round(deadline.used * 100)}%` } };
  }

  start(): void {
    const loop = () => {
      this.tick()
        .catch(() => undefined)
        .finally(() => {
          if (this.timer) this.timer = setTimeout(loop, this.options.tickMs);
        });
    };
    this.timer = setTimeout(loop, 0);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => undefined);
    await this.store.releaseLease(SCHEDULER_LEASE, this.holder).catch(() => undefined);
  }

  // ---- extension (延期) and suspension (挂账) ----

  /** The unit holding a case, or a desk, asks to stop its clock; a supervisor decides. */
  async request(incidentId: string, req: DeadlineRequestReq, actor: Actor): Promise<CommandOutcome<DeadlineRequest>> {
    const current = await this.store.getIncident(incidentId);
    if (!current || !canSee(actor, current) || (actor.role === 'officer' && current.unitId !== actor.unitId)) {
      return { ok: false, kind: 'not_found', message: `no incident ${incidentId}` };
    }
    const pending = (await this.store.listDeadlineRequests({ incidentId, status: 'pending', limit: 50 })).filter((r) => r.kind !== 'return');
    const now = this.now();
    let created: DeadlineRequest | undefined;
    const result = await this.store.updateIncident(
      incidentId,
      (incident) => {
        if (!isOpen(incident.status) || incident.status === 'resolved') return refused('invalid_state', `no clock runs on a ${incident.status} case`, incident.version);
        if (pending.length) return refused('invalid_state', 'a request for this case is already waiting for a decision', incident.version);
        if (incident.deadline?.paused) return refused('invalid_state', 'the clock is already stopped', incident.version);
        created = {
          id: randomUUID(),
          incidentId,
          incidentCode: incident.code,
          districtId: incident.districtId,
          kind: req.kind,
          reason: req.reason,
          minutes: req.kind === 'extension' ? req.minutes : null,
          status: 'pending',
          requestedBy: actor.id,
          requestedAt: now,
          decidedBy: null,
          decidedAt: null,
          note: null,
        };
        const entry: TimelineEntry = { at: now, action: `request_${req.kind}`, actorId: actor.id, from: incident.status, to: incident.status, note: req.reason };
        return { decision: { ok: true, incident: { ...incident, version: incident.version + 1, updatedAt: now }, entry }, requests: [created] };
      },
      now,
    );
    return this.finish(result, () => created!);
  }

  /**
   * A supervisor approves (the clock stops from now; a return is upheld) or refuses a waiting
   * request. `at`: when it was decided — the demo's past passes its own time; people decide now.
   */
  async decide(requestId: string, approve: boolean, note: string | undefined, actor: Actor, at?: Date): Promise<CommandOutcome<DeadlineRequest>> {
    const request = await this.store.getDeadlineRequest(requestId);
    if (!request) return { ok: false, kind: 'not_found', message: `no request ${requestId}` };
    const now = at ? at.toISOString() : this.now();
    let decided: DeadlineRequest | undefined;
    const result = await this.store.updateIncident(
      request.incidentId,
      (incident) => {
        if (request.status !== 'pending') return refused('invalid_state', `the request is already ${request.status}`, incident.version);
        // Read again in the transaction: a concurrent approval has already stopped the clock.
        if ((incident.pauses ?? []).some((p) => p.requestId === requestId)) return refused('invalid_state', 'the request is already approved', incident.version);
        decided = { ...request, status: approve ? 'approved' : 'refused', decidedBy: actor.id, decidedAt: now, note: note ?? null };
        let after: Incident = { ...incident, version: incident.version + 1, updatedAt: now };
        if (approve && request.kind !== 'return') {
          const pause: IncidentPause = {
            kind: request.kind as IncidentPause['kind'],
            requestId,
            from: now,
            to: request.kind === 'extension' && request.minutes ? new Date(Date.parse(now) + request.minutes * 60_000).toISOString() : null,
          };
          after = { ...after, pauses: [...(incident.pauses ?? []), pause] };
          after = { ...after, deadline: computeDeadline(after, this.profileOf(after), this.calendar, now) };
        }
        const entry: TimelineEntry = {
          at: now,
          action: `${approve ? 'approve' : 'refuse'}_${request.kind}`,
          actorId: actor.id,
          from: incident.status,
          to: incident.status,
          ...(note ? { note } : {}),
        };
        return { decision: { ok: true, incident: after, entry }, requests: [decided] };
      },
      now,
    );
    return this.finish(result, () => decided!);
  }

  /** A supervisor lifts a suspension: the clock runs again from now. */
  async resume(incidentId: string, actor: Actor): Promise<CommandOutcome<Incident>> {
    const now = this.now();
    const open = (await this.store.listDeadlineRequests({ incidentId, status: 'approved', limit: 20 })).filter((r) => r.kind === 'suspension');
    const result = await this.store.updateIncident(
      incidentId,
      (incident) => {
        const pauses = incident.pauses ?? [];
        const index = pauses.findIndex((p) => p.to === null);
        if (index < 0) return refused('invalid_state', 'the case is not suspended', incident.version);
        const lifted = pauses.map((p, i) => (i === index ? { ...p, to: now } : p));
        let after: Incident = { ...incident, pauses: lifted, version: incident.version + 1, updatedAt: now };
        after = { ...after, deadline: computeDeadline(after, this.profileOf(after), this.calendar, now) };
        const entry: TimelineEntry = { at: now, action: 'resume', actorId: actor.id, from: incident.status, to: incident.status };
        const ended = open.filter((r) => r.id === pauses[index]!.requestId).map((r) => ({ ...r, status: 'ended' as const }));
        return { decision: { ok: true, incident: after, entry }, requests: ended };
      },
      now,
    );
    return this.finish(result, (incident) => incident);
  }

  private finish<T>(result: Awaited<ReturnType<Store['updateIncident']>>, value: (incident: Incident) => T): CommandOutcome<T> {
    if (!result) return { ok: false, kind: 'not_found', message: 'no such incident' };
    if (!result.decision.ok) return { ok: false, kind: 'refused', refusal: result.decision.refusal };
    this.hub.publish(result.changes);
    return { ok: true, value: value(result.decision.incident) };
  }
}

export function escalationAction(step: EscalationStep): string {
  return `deadline_${step}`;
}
