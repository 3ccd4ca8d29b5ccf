// Who is calling: the session cookie for people, a bearer API key for machines.

import type { Request, RequestHandler, Response } from 'express';
import { parse as parseCookie } from 'cookie';
import type { Actor, Role, User } from '../../shared/domain/types.ts';
import type { AuthService } from '../services/auth.ts';
import { HttpError } from './errors.ts';

export const SESSION_COOKIE = 'city_sid';

declare module 'express-serve-static-core' {
  interface Request {
    user?: User;
    /** Set when the caller authenticated with an ingest API key. */
    apiKey?: boolean;
  }
}

export function sessionToken(cookieHeader: string | undefined): string | undefined {
  if (!cookieHeader) return undefined;
  return parseCookie(cookieHeader)[SESSION_COOKIE];
}

export function setSessionCookie(res: Response, token: string, expiresAt: Date, secure: boolean): void {
  res.cookie(SESSION_COOKIE, token, { httpOnly: true, sameSite: 'lax', secure, path: '/', expires: expiresAt });
}

export function clearSessionCookie(res: Response): void {
  res.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** Attaches `req.user` when a valid session cookie is present; never refuses by itself. */
export function loadUser(auth: AuthService): RequestHandler {
  return async (req, _res, next) => {
    req.user = (await auth.userForToken(sessionToken(req.headers.cookie), new Date())) ?? undefined;
    next();
  };
}

export function actorOf(req: Request): Actor {
  const user = req.user;
  if (!user) throw new HttpError('unauthorized', 'sign in first');
  return { id: user.id, role: user.role, ...(user.districtId ? { districtId: user.districtId } : {}), ...(user.unitId ? { unitId: user.unitId } : {}) };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    if (!req.user) return next(new HttpError('unauthorized', 'sign in first'));
    if (!roles.includes(req.user.role)) return next(new HttpError('forbidden', `this needs one of: ${roles.join(', ')}`));
    next();
  };
}
