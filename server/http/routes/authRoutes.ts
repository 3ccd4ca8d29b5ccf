import { Router } from 'express';
import { LoginSchema } from '../../../shared/protocol/schemas.ts';
import type { AuthService } from '../../services/auth.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { clearSessionCookie, sessionToken, setSessionCookie } from '../session.ts';

export function authRoutes(auth: AuthService): Router {
  const router = Router();

  router.post('/login', async (req, res) => {
    const body = parseOr400(LoginSchema, req.body);
    const result = await auth.login(body.username, body.password, new Date(), {
      address: req.ip ?? 'unknown',
      // Rotation: whatever session this browser held ends here; the new one gets a new token.
      previousToken: sessionToken(req.headers.cookie),
    });
    if (!result.ok && result.reason === 'throttled') {
      throw new HttpError('rate_limited', `too many failed sign-ins; try again in ${result.retryAfterSeconds} s`, { retryAfterSeconds: result.retryAfterSeconds });
    }
    if (!result.ok) throw new HttpError('unauthorized', 'wrong username or password');
    // `Secure` and the `__Host-` name only when the request came over TLS (directly or via a trusted proxy).
    setSessionCookie(res, result.token, result.expiresAt, req.secure);
    res.json({ user: result.user });
  });

  router.post('/logout', async (req, res) => {
    await auth.logout(sessionToken(req.headers.cookie));
    clearSessionCookie(res, req.secure);
    res.json({ ok: true });
  });

  router.get('/me', (req, res) => {
    if (!req.user) throw new HttpError('unauthorized', 'not signed in');
    res.json({ user: req.user });
  });

  return router;
}
