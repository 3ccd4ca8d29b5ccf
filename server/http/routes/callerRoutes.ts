// Callers' full name and phone, on explicit request only: a dispatcher or supervisor (policy
// `caller.reveal`) names the call and a reason; the reveal is rate-limited and audited.

import { Router } from 'express';
import { RevealCallerSchema } from '../../../shared/protocol/schemas.ts';
import type { Store } from '../../store/Store.ts';
import { canSee } from '../../services/incidents.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { actorOf } from '../session.ts';
import { revealLimit } from '../security.ts';

export function callerRoutes(store: Store, revealsPerHour: number): Router {
  const router = Router();
  router.post('/incidents/:id/callers/reveal', revealLimit(revealsPerHour), async (req, res) => {
    const actor = actorOf(req);
    const id = String(req.params.id);
    const incident = await store.getIncident(id);
    if (!incident || !canSee(actor, incident)) throw new HttpError('not_found', `no incident ${id}`);
    const body = parseOr400(RevealCallerSchema, req.body);
    const caller = (await store.callersOf(id)).find((c) => c.eventId === body.eventId);
    // Scrubbed by retention, or never there: the audit trail still records the attempt.
    const at = new Date().toISOString();
    await store.appendAudit({
      at,
      actorId: actor.id,
      action: 'caller_reveal',
      entity: 'caller',
      entityId: String(body.eventId),
      reason: body.reason,
      after: { incidentId: id },
      outcome: caller ? 'ok' : 'failed',
    });
    if (!caller) throw new HttpError('not_found', `no caller for event ${body.eventId} on this incident`);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ eventId: caller.eventId, name: caller.name, phone: caller.phone });
  });
  return router;
}
