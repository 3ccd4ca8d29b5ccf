// Rate limits with 429 and Retry-After, per caller: per API key for machines, per user for people
// (per address only for callers who are neither). Counters live in memory per node.

import type { Request, RequestHandler } from 'express';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { digest } from '../services/auth.ts';
import { HttpError } from './errors.ts';

function callerKey(req: Request): string {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (bearer) return `key:${digest(bearer)}`;
  if (req.user) return `user:${req.user.id}`;
  return `ip:${ipKeyGenerator(req.ip ?? '')}`;
}

export function perCallerLimit(requestsPerMinute: number): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit: requestsPerMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: callerKey,
    handler: (req, _res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + 60_000) - Date.now()) / 1000));
      next(new HttpError('rate_limited', `too many requests; try again in ${retryAfterSeconds} s`, { retryAfterSeconds }));
    },
  });
}
