import express, { Router } from 'express';
import { IngestBatchSchema, type IngestResponse } from '../../../shared/protocol/schemas.ts';
import type { Role } from '../../../shared/domain/types.ts';
import type { AuthService } from '../../services/auth.ts';
import type { IngestService } from '../../ingest/ingestService.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { perCallerLimit } from '../rateLimits.ts';

/** People who may file reports through the ingest API with their session. */
const REPORTING_ROLES: readonly Role[] = ['operator', 'dispatcher', 'officer', 'supervisor'];
/** 1000 events of a few KB each fit; anything bigger is refused before it is parsed. */
export const INGEST_BODY_LIMIT = '5mb';

export function ingestRoutes(auth: AuthService, ingest: IngestService, ratePerMin: number): Router {
  const router = Router();
  // The limit is counted before the body is read, so a flood costs little.
  router.post('/events', perCallerLimit(ratePerMin), express.json({ limit: INGEST_BODY_LIMIT }), async (req, res) => {
    const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer) {
      if (!(await auth.apiKeyValid(bearer))) throw new HttpError('unauthorized', 'unknown or revoked API key');
    } else if (!req.user) {
      throw new HttpError('unauthorized', 'send an API key (Authorization: Bearer …) or sign in');
    } else if (!REPORTING_ROLES.includes(req.user.role)) {
      throw new HttpError('forbidden', `role ${req.user.role} may not report events`);
    }
    const body = parseOr400(IngestBatchSchema, req.body);
    const response: IngestResponse = { results: await ingest.submit(body.events) };
    res.json(response);
  });
  return router;
}
