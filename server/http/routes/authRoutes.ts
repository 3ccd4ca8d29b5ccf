import { Router } from 'express';
import { LoginSchema } from '../../../shared/protocol/schemas.ts';
import type { AuthService } from '../../services/auth.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { clearSessionCookie, sessionToken, setSessionCookie } from '../session.ts';

export function authRoutes(auth: AuthService, secureCookies: boolean): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const body = parseOr400(LoginSchema, req.body);
    const result = await auth.login(body.username, body.password, new Date());
    if (!result) throw new HttpError('unauthorized', 'wrong username or password');
    setSessionCookie(res, result.token, result.expiresAt, secureCookies);
    res.json({ user: result.user });
  });

  router.post('/logout', async (req, res) => {
    await auth.logout(sessionToken(req.headers.cookie));
    clearSessionCookie(res);
    res.json({ ok: true });
  });

  router.get('/me', (req, res) => {
    if (!req.user) throw new HttpError('unauthorized', 'not signed in');
    res.json({ user: req.user });
  });

  return router;
}
