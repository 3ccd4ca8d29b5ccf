// Deadlines: extension (延期) and suspension (挂账) requests and their approval, and the admin's
// editor of deadline profiles.

import { Router } from 'express';
import { z } from 'zod';
import { DeadlineDecisionSchema, DeadlineProfilesSchema, DeadlineRequestSchema } from '../../../shared/protocol/schemas.ts';
import { REQUEST_STATUSES } from '../../../shared/domain/types.ts';
import type { DeadlineProfile } from '../../../shared/domain/deadlines.ts';
import type { Store } from '../../store/Store.ts';
import type { DeadlineService } from '../../services/deadlines.ts';
import type { CommandOutcome } from '../../services/incidents.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { actorOf, requireRole } from '../session.ts';
import { refusalError } from './incidentRoutes.ts';

const RequestQuerySchema = z.object({
  status: z.enum(REQUEST_STATUSES).optional(),
  incident: z.string().max(128).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});

function unwrap<T>(outcome: CommandOutcome<T>): T {
  if (outcome.ok) return outcome.value;
  if (outcome.kind === 'not_found') throw new HttpError('not_found', outcome.message);
  throw refusalError(outcome.refusal);
}

export function deadlineRoutes(store: Store, deadlines: DeadlineService): Router {
  const router = Router();

  router.get('/deadline-requests', requireRole('dispatcher', 'supervisor', 'officer', 'admin', 'auditor'), async (req, res) => {
    const q = parseOr400(RequestQuerySchema, req.query);
    const actor = actorOf(req);
    // Officers see their own district's requests only.
    const districtId = actor.role === 'officer' ? (actor.districtId ?? '(none)') : undefined;
    const items = await store.listDeadlineRequests({ status: q.status, incidentId: q.incident, limit: q.limit, ...(districtId ? { districtId } : {}) });
    res.json({ items });
  });

  router.post('/incidents/:id/deadline-requests', requireRole('officer', 'dispatcher', 'supervisor'), async (req, res) => {
    const body = parseOr400(DeadlineRequestSchema, req.body);
    res.status(201).json(unwrap(await deadlines.request(String(req.params.id), body, actorOf(req))));
  });

  router.post('/deadline-requests/:id/decision', requireRole('supervisor'), async (req, res) => {
    const body = parseOr400(DeadlineDecisionSchema, req.body);
    res.json(unwrap(await deadlines.decide(String(req.params.id), body.approve, body.note, actorOf(req))));
  });

  router.post('/incidents/:id/resume', requireRole('supervisor'), async (req, res) => {
    res.json(unwrap(await deadlines.resume(String(req.params.id), actorOf(req))));
  });

  router.get('/admin/deadline-profiles', requireRole('admin'), (_req, res) => {
    const calendar = deadlines.calendar;
    res.json({ profiles: deadlines.listProfiles(), calendar });
  });

  router.put('/admin/deadline-profiles', requireRole('admin'), async (req, res) => {
    const body = parseOr400(DeadlineProfilesSchema, req.body);
    await deadlines.saveProfiles(body.profiles as DeadlineProfile[], actorOf(req));
    res.json({ profiles: deadlines.listProfiles() });
  });

  return router;
}
