import { Router, type Response } from 'express';
import {
  CreateIncidentSchema,
  IncidentActionSchema,
  IncidentQuerySchema,
  TaskActionSchema,
} from '../../../shared/protocol/schemas.ts';
import type { Refusal } from '../../../shared/domain/incidentMachine.ts';
import { maskName, maskPhone } from '../../../shared/domain/privacy.ts';
import type { Store } from '../../store/Store.ts';
import { canSee, type CommandOutcome, type IncidentService } from '../../services/incidents.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { actorOf, requireRole } from '../session.ts';
import { idempotent } from '../idempotency.ts';
import { grantOf } from '../../../shared/security/policy.ts';

const DESK_ROLES = ['operator', 'dispatcher', 'supervisor', 'admin', 'auditor', 'officer'] as const;

/** A refused command, as the contract's status: 409 stale version, 422 state, 403 role, 404 scope. */
export function refusalError(refusal: Refusal): HttpError {
  switch (refusal.code) {
    case 'version_conflict':
      return new HttpError('version_conflict', refusal.rule, { currentVersion: refusal.currentVersion });
    case 'role_not_allowed':
      return new HttpError('forbidden', refusal.rule);
    case 'out_of_scope':
      return new HttpError('not_found', 'not found');
    default:
      return new HttpError('invalid_transition', refusal.rule, { rule: refusal.code });
  }
}

function send<T>(res: Response, outcome: CommandOutcome<T>, wrap: (value: T) => unknown): void {
  if (outcome.ok) {
    res.json(wrap(outcome.value));
    return;
  }
  if (outcome.kind === 'not_found') throw new HttpError('not_found', outcome.message);
  throw refusalError(outcome.refusal);
}

export function incidentRoutes(store: Store, incidents: IncidentService): Router {
  const router = Router();

  router.get('/incidents', requireRole(...DESK_ROLES), async (req, res) => {
    const q = parseOr400(IncidentQuerySchema, req.query);
    const actor = actorOf(req);
    // Officers are held to their district whatever they ask for.
    const districtId = actor.role === 'officer' ? (actor.districtId ?? '(none)') : q.district;
    const page = await store.listIncidents({
      statuses: q.status ? q.status.split(',').map((s) => s.trim()).filter(Boolean) : undefined,
      districtId,
      category: q.category,
      severity: q.severity,
      q: q.q,
      cursor: q.cursor,
      limit: q.limit,
    });
    res.json(page);
  });

  router.post('/incidents', requireRole('operator', 'dispatcher', 'supervisor'), async (req, res) => {
    const body = parseOr400(CreateIncidentSchema, req.body);
    const outcome = await incidents.create(body, actorOf(req), new Date());
    if (!outcome.ok && outcome.kind === 'refused') throw new HttpError('validation_failed', outcome.refusal.rule);
    send(res.status(201), outcome, (incident) => incident);
  });

  router.get('/incidents/:id', requireRole(...DESK_ROLES), async (req, res) => {
    const id = String(req.params.id);
    const incident = await store.getIncident(id);
    if (!incident || !canSee(actorOf(req), incident)) throw new HttpError('not_found', `no incident ${id}`);
    const [timeline, events, tasks, callers] = await Promise.all([store.timeline(id), store.linkedEvents(id), store.tasksOf(id), store.callersOf(id)]);
    // Callers appear masked, to roles granted caller.read only; revealing them in full is a separate, audited act.
    const shown = !grantOf(actorOf(req).role, 'caller.read') ? [] : callers.map((c) => ({ eventId: c.eventId, name: maskName(c.name), phone: maskPhone(c.phone) }));
    res.json({ ...incident, timeline, events, tasks, callers: shown });
  });

  router.get('/incidents/:id/recommendations', requireRole('dispatcher', 'supervisor', 'operator'), async (req, res) => {
    const items = await incidents.recommendations(String(req.params.id), actorOf(req));
    if (!items) throw new HttpError('not_found', `no incident ${String(req.params.id)}`);
    res.json({ items });
  });

  router.get('/incidents/:id/duplicates', requireRole('dispatcher', 'supervisor', 'operator'), async (req, res) => {
    const items = await incidents.duplicates(String(req.params.id), actorOf(req));
    if (!items) throw new HttpError('not_found', `no incident ${String(req.params.id)}`);
    res.json({ items });
  });

  router.post('/incidents/:id/actions', requireRole('dispatcher', 'supervisor', 'operator'), async (req, res) => {
    const body = parseOr400(IncidentActionSchema, req.body);
    send(res, await incidents.act(String(req.params.id), body, actorOf(req), new Date()), (incident) => incident);
  });

  router.get('/tasks', requireRole('officer', 'dispatcher', 'supervisor'), async (req, res) => {
    const actor = actorOf(req);
    const mine = req.query.mine === '1' || actor.role === 'officer';
    if (mine && !actor.unitId) throw new HttpError('not_found', 'you are not bound to a unit');
    const unitId = mine ? actor.unitId! : String(req.query.unit ?? '');
    if (!unitId) throw new HttpError('validation_failed', 'unit: give ?mine=1 or ?unit=<id>', [{ path: 'unit', message: 'required' }]);
    res.json({ items: await store.tasksForUnit(unitId) });
  });

  router.post('/tasks/:id/actions', requireRole('officer', 'dispatcher', 'supervisor'), idempotent(store), async (req, res) => {
    const body = parseOr400(TaskActionSchema, req.body);
    if (body.action === 'return' && !(body.reason ?? body.note)) {
      throw new HttpError('validation_failed', 'reason: a returned task needs a reason', [{ path: 'reason', message: 'required' }]);
    }
    send(res, await incidents.actOnTask(String(req.params.id), body, actorOf(req), new Date()), (task) => task);
  });

  return router;
}
