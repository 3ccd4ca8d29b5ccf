// Incident and task commands: read → decide (pure, shared/domain) → write with audit and change
// in one transaction → publish. Refusals come back typed; the HTTP layer maps them to statuses.

import { randomUUID } from 'node:crypto';
import { adjustParent, decide, type Decision, type IncidentCommand, type Refusal } from '../../shared/domain/incidentMachine.ts';
import { TASK_STATUS_AFTER, isTaskOpen } from '../../shared/domain/taskMachine.ts';
import type { Actor, DeadlineRequest, Incident, Task, Unit } from '../../shared/domain/types.ts';
import type { CreateIncidentReq, IncidentActionReq, TaskActionReq } from '../../shared/protocol/schemas.ts';
import type { IncidentUpdate, Store } from '../store/Store.ts';
import type { LiveHub } from '../realtime/liveHub.ts';
import type { IngestService } from '../ingest/ingestService.ts';
import type { CityReference } from './cityReference.ts';
import { recommendUnits, type Recommendation } from '../../shared/domain/recommendation.ts';
import { DEFAULT_DUPLICATE_RADIUS_M, DEFAULT_DUPLICATE_WINDOW_MS, scoreDuplicates, type DuplicateCandidate } from '../../shared/domain/duplicates.ts';

export type CommandOutcome<T> =
  | { ok: true; value: T }
  | { ok: false; kind: 'not_found'; message: string }
  | { ok: false; kind: 'refused'; refusal: Refusal };

/** Which incidents an actor may see at all; others answer 404, as if they did not exist. */
export function canSee(actor: Actor, incident: Pick<Incident, 'districtId' | 'unitId'>): boolean {
  if (actor.role !== 'officer') return true;
  // Their district's cases, and the case their own unit holds when it was sent across the line.
  if (actor.unitId !== undefined && incident.unitId === actor.unitId) return true;
  return actor.districtId !== undefined && incident.districtId === actor.districtId;
}

export class IncidentService {
  constructor(
    private readonly store: Store,
    private readonly hub: LiveHub,
    private readonly ingest: IngestService,
    private readonly city: CityReference,
    /** Stamps the incident after a command with its clock (deadlines); runs inside the command's transaction. */
    private readonly stamp: (before: Incident, after: Incident, at: string) => Incident = (_before, after) => after,
  ) {
    this.speedKmhByType = new Map(city.unitTypes.map((t) => [t.type, t.speedKmh]));
  }

  private readonly speedKmhByType: ReadonlyMap<string, number>;

  /** Units ranked for an incident, each with the factors that explain its place. */
  async recommendations(id: string, actor: Actor): Promise<Recommendation[] | null> {
    const incident = await this.store.getIncident(id);
    if (!incident || !canSee(actor, incident)) return null;
    const [units, openTasksByUnit] = await Promise.all([this.store.listUnits(), this.store.openTaskCounts()]);
    return recommendUnits({
      incident,
      category: incident.category ? this.city.categories.get(incident.category) : undefined,
      units,
      openTasksByUnit,
      speedKmhByType: this.speedKmhByType,
    });
  }

  /** Open incidents that are likely the same case, best first. */
  async duplicates(id: string, actor: Actor): Promise<DuplicateCandidate[] | null> {
    const incident = await this.store.getIncident(id);
    if (!incident || !canSee(actor, incident)) return null;
    const since = new Date(Date.parse(incident.createdAt) - DEFAULT_DUPLICATE_WINDOW_MS).toISOString();
    const radius = (incident.category && this.city.categories.get(incident.category)?.duplicateRadiusM) || DEFAULT_DUPLICATE_RADIUS_M;
    const others = (await this.store.openIncidentsSince(since)).filter((other) => canSee(actor, other));
    return scoreDuplicates(incident, others, radius);
  }

  /** A person files an incident by hand: it takes the same durable path as any report. */
  async create(req: CreateIncidentReq, actor: Actor, now: Date): Promise<CommandOutcome<Incident>> {
    const [result] = await this.ingest.submit(
      [
        {
          source: 'system',
          sourceEventId: `manual:${randomUUID()}`,
          occurredAt: now.toISOString(),
          payload: {
            category: req.category,
            ...(req.severity ? { severity: req.severity } : {}),
            text: req.text,
            location: req.location,
            reporter: actor.id,
          },
        },
      ],
      now,
    );
    if (!result || result.status !== 'accepted' || !result.incidentId) {
      return { ok: false, kind: 'refused', refusal: { code: 'invalid_state', rule: result?.error?.message ?? 'not stored', currentVersion: 0 } };
    }
    const incident = await this.store.getIncident(result.incidentId);
    return incident ? { ok: true, value: incident } : { ok: false, kind: 'not_found', message: 'incident vanished' };
  }

  async act(id: string, req: IncidentActionReq, actor: Actor, now: Date): Promise<CommandOutcome<Incident>> {
    const current = await this.store.getIncident(id);
    if (!current || !canSee(actor, current)) return { ok: false, kind: 'not_found', message: `no incident ${id}` };
    // A stale command is a conflict first, whatever else is wrong with it (decide checks again in the transaction).
    if (req.version !== current.version) {
      return { ok: false, kind: 'refused', refusal: { code: 'version_conflict', rule: `expected version ${current.version}, got ${req.version}`, currentVersion: current.version } };
    }
    let unit: Unit | undefined;
    if (req.action === 'dispatch') {
      unit = await this.store.getUnit(req.unitId);
      if (!unit) return { ok: false, kind: 'not_found', message: `no unit ${req.unitId}` };
      // Overriding the recommendation is allowed, but the dispatcher must say why (it is audited).
      const [top] = (await this.recommendations(id, actor)) ?? [];
      if (top && top.unitId !== req.unitId && !req.reason?.trim()) {
        return {
          ok: false,
          kind: 'refused',
          refusal: { code: 'reason_required', rule: `dispatching other than the recommended unit ${top.unitId} needs a reason`, currentVersion: current.version },
        };
      }
    }
    if (req.action === 'merge' && !(await this.store.getIncident(req.intoId))) {
      return { ok: false, kind: 'not_found', message: `no incident ${req.intoId}` };
    }
    const at = now.toISOString();
    // A merge changes its parent too, and a split gives the parent its count back.
    const parentId = req.action === 'merge' ? req.intoId : req.action === 'split' ? current.parentId : null;
    return this.apply(id, at, (incident, tasks, related) => {
      const decision = decide(incident, req as IncidentCommand, actor, at);
      if (!decision.ok) return { decision };
      const update: IncidentUpdate = { decision };
      const parent = related[0];
      if (parent) {
        const side = adjustParent(parent, incident, req.action === 'merge' ? 'absorb' : 'release', actor, at);
        if (!side.ok) return { decision: side };
        update.related = [{ incident: side.incident, entry: side.entry }];
      }
      if (req.action === 'dispatch' && unit) {
        update.tasks = [newTask(decision.incident, unit.id, at)];
        update.units = [{ ...unit, status: 'busy' }];
      }
      if (req.action === 'verify' && !req.ok) update.tasks = closeOpenTasks(tasks, at);
      if (req.action === 'reopen') update.tasks = closeOpenTasks(tasks, at);
      return update;
    }, parentId ? [parentId] : []);
  }

  async actOnTask(taskId: string, req: TaskActionReq, actor: Actor, now: Date): Promise<CommandOutcome<Task>> {
    const task = await this.store.getTask(taskId);
    // Officers act only on their own unit's tasks; anything else does not exist for them.
    if (!task || (actor.role === 'officer' && task.unitId !== actor.unitId)) {
      return { ok: false, kind: 'not_found', message: `no task ${taskId}` };
    }
    const unit = await this.store.getUnit(task.unitId);
    // A unit stays busy while it holds any other open task.
    const otherOpen = (await this.store.tasksForUnit(task.unitId)).some((t) => t.id !== taskId && isTaskOpen(t.status));
    if (req.photo) {
      // Evidence is a photo this person uploaded and that belongs to no case yet, on resolving.
      const photo = await this.store.getPhoto(req.photo);
      if (!photo || photo.userId !== actor.id || photo.incidentId !== null) return { ok: false, kind: 'not_found', message: `no photo ${req.photo}` };
      if (req.action !== 'resolve') {
        return { ok: false, kind: 'refused', refusal: { code: 'invalid_state', rule: 'a photo goes with resolve', currentVersion: task.version } };
      }
    }
    const at = now.toISOString();
    let updated: Task | undefined;
    const outcome = await this.apply(task.incidentId, at, (incident, tasks): IncidentUpdate => {
      const current = tasks.find((t) => t.id === taskId)!;
      if (current.version !== req.version) {
        return refusal('version_conflict', `expected task version ${current.version}, got ${req.version}`, current.version);
      }
      if (!isTaskOpen(current.status)) return refusal('invalid_state', `task is ${current.status}`, current.version);
      const reason = req.reason ?? req.note;
      const command: IncidentCommand =
        req.action === 'return'
          ? { action: 'return', version: incident.version, reason: reason ?? '' }
          : req.action === 'resolve'
            ? { action: 'resolve', version: incident.version, ...(req.note ? { note: req.note } : {}) }
            : { action: req.action, version: incident.version };
      const decision = decide(incident, command, actor, at);
      if (!decision.ok) return { decision: { ok: false, refusal: { ...decision.refusal, currentVersion: current.version } } };
      updated = {
        ...current,
        status: TASK_STATUS_AFTER[req.action],
        note: req.note ?? req.reason ?? current.note,
        ...(req.photo ? { photoId: req.photo } : {}),
        version: current.version + 1,
        updatedAt: at,
      };
      const done = req.action === 'resolve' || req.action === 'return';
      // A return waits for the supervisor's arbitration: upheld, or found unjustified (退回仲裁).
      const arbitration: DeadlineRequest[] =
        req.action === 'return'
          ? [
              {
                id: randomUUID(),
                incidentId: incident.id,
                incidentCode: incident.code,
                districtId: incident.districtId,
                kind: 'return',
                unitId: current.unitId,
                reason: reason ?? '',
                minutes: null,
                status: 'pending',
                requestedBy: actor.id,
                requestedAt: at,
                decidedBy: null,
                decidedAt: null,
                note: null,
              },
            ]
          : [];
      return {
        decision,
        requests: arbitration,
        tasks: [updated],
        units: done && unit && !otherOpen ? [{ ...unit, status: 'available' }] : [],
        ...(req.photo ? { attachPhotoId: req.photo } : {}),
      };
    });
    if (!outcome.ok) return outcome;
    return { ok: true, value: updated! };
  }

  private async apply(id: string, at: string, updater: Parameters<Store['updateIncident']>[1], relatedIds: string[] = []): Promise<CommandOutcome<Incident>> {
    const stamped: typeof updater = (incident, tasks, related) => {
      const update = updater(incident, tasks, related);
      if (!update.decision.ok) return update;
      return { ...update, decision: { ...update.decision, incident: this.stamp(incident, update.decision.incident, at) } };
    };
    const result = await this.store.updateIncident(id, stamped, at, relatedIds);
    if (!result) return { ok: false, kind: 'not_found', message: `no incident ${id}` };
    if (!result.decision.ok) return { ok: false, kind: 'refused', refusal: result.decision.refusal };
    this.hub.publish(result.changes);
    return { ok: true, value: result.decision.incident };
  }
}

function refusal(code: Refusal['code'], rule: string, currentVersion: number): { decision: Decision } {
  return { decision: { ok: false, refusal: { code, rule, currentVersion } } };
}

function newTask(incident: Incident, unitId: string, at: string): Task {
  return {
    id: randomUUID(),
    incidentId: incident.id,
    unitId,
    districtId: incident.districtId,
    status: 'assigned',
    note: null,
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** Work that is taken back from the field ends its open tasks. */
function closeOpenTasks(tasks: Task[], at: string): Task[] {
  return tasks
    .filter((t) => isTaskOpen(t.status))
    .map((t) => ({ ...t, status: 'returned' as const, version: t.version + 1, updatedAt: at }));
}
