// Idempotency-Key for commands sent from a poor connection: a repeat of a key the server has
// answered gets the first answer again, marked `Idempotent-Replayed: true`, and changes nothing.
// The key is stored after the command commits; should the process die in between, the repeat
// meets the command's version check (409) instead of being applied twice.

import type { RequestHandler } from 'express';
import type { Store } from '../store/Store.ts';
import { HttpError } from './errors.ts';

const KEY = /^[A-Za-z0-9._:-]{8,128}$/;

export function idempotent(store: Store): RequestHandler {
  return async (req, res, next) => {
    const key = req.header('idempotency-key');
    if (key === undefined) return next();
    if (!KEY.test(key)) return next(new HttpError('validation_failed', 'Idempotency-Key: 8–128 letters, digits, . _ : -', [{ path: 'Idempotency-Key', message: 'invalid' }]));
    const userId = req.user?.id;
    if (!userId) return next();
    const seen = await store.findIdempotent(userId, key);
    if (seen) {
      res.setHeader('Idempotent-Replayed', 'true');
      res.status(seen.status).json(seen.body);
      return;
    }
    const json = res.json.bind(res);
    res.json = (body: unknown) => {
      // Server errors are not final: a retry should try again.
      if (res.statusCode < 500) void store.saveIdempotent(userId, key, res.statusCode, body, new Date().toISOString()).catch(() => undefined);
      return json(body);
    };
    next();
  };
}
