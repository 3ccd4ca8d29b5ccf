// Hardening at the edge: security headers with a strict CSP, the cross-site request check for
// state-changing requests, and the rate limits for sign-in, commands and reveals.

import type { Request, RequestHandler } from 'express';
import helmet from 'helmet';
import { rateLimit, ipKeyGenerator } from 'express-rate-limit';
import { HttpError } from './errors.ts';

/**
 * No inline script anywhere; styles may be inline because ECharts and MapLibre position their
 * elements with style attributes. MapLibre runs its tile workers from a blob: URL.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:', 'blob:'],
        'font-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'worker-src': ["'self'", 'blob:'],
        'child-src': ["'self'", 'blob:'],
        'object-src': ["'none'"],
        'base-uri': ["'none'"],
        'frame-ancestors': ["'none'"],
        'form-action': ["'self'"],
      },
    },
    strictTransportSecurity: { maxAge: 365 * 24 * 3600, includeSubDomains: true },
    referrerPolicy: { policy: 'no-referrer' },
    xFrameOptions: { action: 'deny' },
  });
}

const UNSAFE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The origin a browser would send for a page served by this request's host. */
function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}

/** Whether a browser `Origin` may talk to this server: its own origin or one on the allow-list. */
export function originAllowed(origin: string, own: string, allowed: readonly string[]): boolean {
  return origin === own || allowed.includes(origin);
}

/**
 * Refuses cross-site browser requests that change state: an `Origin` that is neither this
 * server's nor on the allow-list, or `Sec-Fetch-Site: cross-site`. Requests with neither header
 * (machines, scripts) and requests carrying an API key (no ambient credential) pass as before.
 */
export function crossSiteGuard(allowedOrigins: readonly string[]): RequestHandler {
  return (req, _res, next) => {
    if (!UNSAFE_METHODS.has(req.method)) return next();
    if (/^Bearer\s+\S/i.test(req.headers.authorization ?? '')) return next();
    const site = req.headers['sec-fetch-site'];
    if (site === 'cross-site') return next(new HttpError('forbidden', 'cross-site request refused'));
    const origin = req.headers.origin;
    if (origin !== undefined && !originAllowed(origin, ownOrigin(req), allowedOrigins)) {
      return next(new HttpError('forbidden', `origin ${origin} may not send this request`));
    }
    next();
  };
}

function limiter(windowMs: number, limit: number, key: (req: Request) => string, skip?: (req: Request) => boolean): RequestHandler {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    keyGenerator: key,
    ...(skip ? { skip } : {}),
    handler: (req, _res, next) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const retryAfterSeconds = Math.max(1, Math.ceil(((reset?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
      next(new HttpError('rate_limited', `too many requests; try again in ${retryAfterSeconds} s`, { retryAfterSeconds }));
    },
  });
}

const addressKey = (req: Request) => `ip:${ipKeyGenerator(req.ip ?? '')}`;
const userKey = (req: Request) => (req.user ? `user:${req.user.id}` : addressKey(req));

/** Sign-in attempts per address (the per-account throttle is in AuthService). */
export function loginLimit(perMinute: number): RequestHandler {
  return limiter(60_000, perMinute, addressKey);
}

/** State-changing requests per signed-in user (ingest and sign-in have their own limits). */
export function commandLimit(perMinute: number): RequestHandler {
  return limiter(60_000, perMinute, userKey, (req) => !UNSAFE_METHODS.has(req.method) || req.path.startsWith('/auth/') || req.path.startsWith('/ingest/'));
}

/** Full caller details revealed per user per hour. */
export function revealLimit(perHour: number): RequestHandler {
  return limiter(3_600_000, perHour, userKey);
}
