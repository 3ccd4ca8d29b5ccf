// Who is calling: the session cookie for people, a bearer API key for machines; and the policy
// gate that decides, from the table in shared/security/policy.ts, whether they may.

import type { Request, RequestHandler, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import type { Actor, Role, User } from '../../shared/domain/types.ts';
import { grantOf, routePolicyFor, type Scope } from '../../shared/security/policy.ts';
import type { AuthService } from '../services/auth.ts';
import { HttpError } from './errors.ts';

/** Plain-HTTP cookie name (development, tests). */
export const SESSION_COOKIE = 'city_sid';
/** Behind TLS: `__Host-` binds the cookie to this exact origin (Secure, Path=/, no Domain). */
export const SECURE_SESSION_COOKIE = '__Host-city_sid';

declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
    /** Set when the caller authenticated with an ingest API key. */
    apiKey?: boolean;
    /** The scope the policy gate granted for this route (absent on public routes). */
    grant?: Scope;
    /** Digest of the session token this request came with, when it is valid. */
    sessionHash?: string;
  }
}

export function sessionToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  const cookies = parseCookie(cookieHeader);
  return cookies[SECURE_SESSION_COOKIE] ?? cookies[SESSION_COOKIE];
}

export function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean): void {
  res.cookie(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(secure ? SECURE_SESSION_COOKIE : SESSION_COOKIE, { path: '/', httpOnly: true, sameSite: 'lax', secure });
}

/** Attaches `req.user` when a valid session cookie is present; never refuses by itself. */
export function loadUser(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    const found = await auth.sessionFor(sessionToken(req.headers.cookie), new Date(), { touch: true });
    req.user = found?.user;
    req.sessionHash = found?.tokenHash;
    next();
  };
}

export function actorOf(req: Request): Actor {
  const user = req.user;
  if (!user) throw new HttpError('unauthorized', 'sign in first');
  return { id: user.id, role: user.role, ...(user.districtId ? { districtId: user.districtId } : {}), ...(user.unitId ? { unitId: user.unitId } : {}) };
}

/**
 * The policy gate for everything under /api: a route with no row in ROUTE_POLICY is refused
 * (404, deny by default); otherwise the caller must hold the row's permission (401 / 403), and
 * the granted scope is left on `req.grant` for the handler to apply.
 */
export function policyGate(logger?: { warn(obj: object, msg: string): void }): RequestHandler {
  return (req, _res, next) => {
    const path = `${req.baseUrl}${req.path}`;
    const row = routePolicyFor(req.method, path);
    if (!row) return next(new HttpError('not_found', `no route ${req.method} ${path}`));
    if (row.access === 'public') return next();
    if (row.access === 'apiKeyOrSession' && /^Bearer\s+\S/i.test(req.headers.authorization ?? '')) return next();
    if (!req.user) return next(new HttpError('unauthorized', 'sign in first'));
    const scope = row.permission ? grantOf(req.user.role, row.permission) : null;
    if (!scope) {
      // A refused attempt is a security event: logged (who, what), not audited (the audit log records acts).
      logger?.warn({ userId: req.user.id, role: req.user.role, method: req.method, path, permission: row.permission }, 'refused by policy');
      return next(new HttpError('forbidden', `role ${req.user.role} may not ${row.permission ?? 'use this route'}`));
    }
    req.grant = scope;
    next();
  };
}

/** Kept for routes written before the policy table; the gate has already checked the same thing. */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) return next(new HttpError('unauthorized', 'sign in first'));
    if (!roles.includes(req.user.role)) return next(new HttpError('forbidden', `this needs one of: ${roles.join(', ')}`));
    next();
  };
}
