// /api/admin: accounts, ingest API keys and sessions (admin only, by the policy table). Every
// change is audited; a change to what an account may do ends its sessions at once.

import { Router } from 'express';
import { CreateApiKeySchema, CreateUserSchema, ResetPasswordSchema, UpdateUserSchema } from '../../../shared/protocol/schemas.ts';
import type { AuthService } from '../../services/auth.ts';
import type { Store, UserRecord } from '../../store/Store.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { actorOf } from '../session.ts';

/** An account as the admin page shows it: never the password hash. */
export function adminUser(u: UserRecord) {
  return { id: u.id, username: u.username, role: u.role, displayName: u.displayName, districtId: u.districtId, unitId: u.unitId, disabled: u.disabled, kiosk: u.kiosk ?? false };
}

export function adminRoutes(store: Store, auth: AuthService): Router {
  const router = Router();

  router.get('/users', async (_req, res) => {
    res.json({ items: (await store.listUsers()).map(adminUser) });
  });

  router.post('/users', async (req, res) => {
    const body = parseOr400(CreateUserSchema, req.body);
    if (await store.findUserByUsername(body.username)) {
      throw new HttpError('validation_failed', `username ${body.username} is taken`, [{ path: 'username', message: 'already taken' }]);
    }
    const user = await auth.createUser(
      { ...body, districtId: body.districtId ?? undefined, unitId: body.unitId ?? undefined },
      new Date().toISOString(),
      actorOf(req).id,
    );
    const record = await store.getUser(user.id);
    res.status(201).json(adminUser(record!));
  });

  router.patch('/users/:id', async (req, res) => {
    const body = parseOr400(UpdateUserSchema, req.body);
    const actor = actorOf(req);
    const id = String(req.params.id);
    // An administrator cannot lock themselves out (someone else must do it).
    if (id === actor.id && (body.disabled === true || (body.role !== undefined && body.role !== 'admin'))) {
      throw new HttpError('forbidden', 'you cannot disable or demote your own account');
    }
    const user = await auth.updateUser(id, body, actor.id, new Date());
    if (!user) throw new HttpError('not_found', `no user ${id}`);
    res.json(adminUser((await store.getUser(id))!));
  });

  router.post('/users/:id/password', async (req, res) => {
    const body = parseOr400(ResetPasswordSchema, req.body);
    const id = String(req.params.id);
    const user = await auth.updateUser(id, { password: body.password }, actorOf(req).id, new Date());
    if (!user) throw new HttpError('not_found', `no user ${id}`);
    res.json({ ok: true });
  });

  router.get('/api-keys', async (_req, res) => {
    res.json({ items: await auth.listApiKeys() });
  });

  router.post('/api-keys', async (req, res) => {
    const body = parseOr400(CreateApiKeySchema, req.body);
    const { id, key } = await auth.issueApiKey(body.name, actorOf(req).id, new Date());
    // The only time the key is ever shown; the store keeps its digest.
    res.status(201).json({ id, name: body.name, key });
  });

  router.delete('/api-keys/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!(await auth.revokeApiKey(id, actorOf(req).id, new Date()))) throw new HttpError('not_found', `no active key ${id}`);
    res.json({ ok: true });
  });

  router.get('/sessions', async (_req, res) => {
    const [sessions, users] = await Promise.all([store.listSessions(), store.listUsers()]);
    const byId = new Map(users.map((u) => [u.id, u]));
    const now = new Date().toISOString();
    res.json({
      items: sessions
        .filter((s) => s.expiresAt > now)
        .map((s) => ({ id: s.id, userId: s.userId, username: byId.get(s.userId)?.username ?? null, role: byId.get(s.userId)?.role ?? null, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, expiresAt: s.expiresAt })),
    });
  });

  router.delete('/sessions/:id', async (req, res) => {
    const id = String(req.params.id);
    if (!(await auth.endSessionById(id, actorOf(req).id, new Date()))) throw new HttpError('not_found', `no session ${id}`);
    res.json({ ok: true });
  });

  return router;
}
