// Sessions and sign-in against the real server: rotation, cookie attributes, throttling and its
// expiry, idle and absolute timeouts, rehash on sign-in, and revocation that reaches sockets.
// On both stores (PostgreSQL when it answers, required in CI): sessions, accounts and the audit
// of sign-ins live there.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testConfig } from '../config.ts';
import { LiveClient, getJson, login, postJson, startTestServer } from '../testing/harness.ts';
import { createTestDatabase, postgresReachable } from '../testing/services.ts';
import { AuthService, DEFAULT_ARGON2, needsRehash } from './auth.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Resolves with the time a socket took to be closed by the server after `act` started. */
async function closedWithin(client: LiveClient, act: () => Promise<unknown>): Promise<number> {
  const closed = new Promise<number>((resolve) => client.socket.once('disconnect', () => resolve(Date.now())));
  const started = Date.now();
  await act();
  return (await closed) - started;
}

const pgUp = await postgresReachable();
const STORES = [{ name: 'embedded', postgres: false }, ...(pgUp ? [{ name: 'PostgreSQL', postgres: true }] : [])];

describe.each(STORES)('sessions and sign-in ($name store)', ({ postgres }) => {
  let server: Server;
  let admin: string;
  let db: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
  beforeAll(async () => {
    db = postgres ? await createTestDatabase() : undefined;
    server = await startTestServer({
      ...(db ? { databaseUrl: db.url } : {}),
      security: { ...testConfig('.').security, trustProxy: 'loopback', loginRatePerMin: 10_000 },
    });
    expect(server.store.kind).toBe(postgres ? 'postgres' : 'sqlite');
    admin = await login(server.url, 'admin');
  });
  afterAll(async () => {
    await server.close();
    await db?.drop();
  });

  const newUser = async (role: 'dispatcher' | 'officer' = 'dispatcher') => {
    const username = `u${Math.random().toString(36).slice(2, 10)}`;
    const res = await postJson(server.url, '/api/admin/users', { username, password: 'correct horse', role, displayName: 'Test' }, { cookie: admin });
    expect(res.status).toBe(201);
    return { id: res.body.id as string, username };
  };

  it('sets an HttpOnly SameSite cookie, Secure with the __Host- name only behind TLS, and rotates it at sign-in', async () => {
    const plain = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'dispatcher', password: 'demo' }) });
    const plainCookie = plain.headers.get('set-cookie')!;
    expect(plainCookie).toMatch(/^city_sid=/);
    expect(plainCookie).toMatch(/HttpOnly/i);
    expect(plainCookie).toMatch(/SameSite=Lax/i);
    expect(plainCookie).not.toMatch(/Secure/i);

    // Behind a trusted TLS proxy (loopback here): Secure, and bound to the exact origin.
    const tls = await fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
      body: JSON.stringify({ username: 'dispatcher', password: 'demo' }),
    });
    const tlsCookie = tls.headers.get('set-cookie')!;
    expect(tlsCookie).toMatch(/^__Host-city_sid=/);
    expect(tlsCookie).toMatch(/Secure/i);
    expect(tlsCookie).toMatch(/Path=\//);
    expect(tlsCookie).not.toMatch(/Domain=/i);

    // Rotation: signing in again from a browser holding a session ends that session.
    const old = plainCookie.split(';')[0]!;
    expect((await getJson(server.url, '/api/auth/me', { cookie: old })).status).toBe(200);
    const again = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: old }, body: JSON.stringify({ username: 'dispatcher', password: 'demo' }) });
    const fresh = again.headers.get('set-cookie')!.split(';')[0]!;
    expect(fresh).not.toBe(old);
    expect((await getJson(server.url, '/api/auth/me', { cookie: old })).status).toBe(401);
    expect((await getJson(server.url, '/api/auth/me', { cookie: fresh })).status).toBe(200);
  });

  it('throttles an account after 5 failures (even the right password), audits every attempt, and lets it in after 10 minutes', async () => {
    const { id, username } = await newUser();
    for (let i = 0; i < 5; i += 1) expect((await postJson(server.url, '/api/auth/login', { username, password: 'wrong' })).status).toBe(401);
    const locked = await postJson(server.url, '/api/auth/login', { username, password: 'correct horse' });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(500);
    // Another address is not locked out by these failures.
    const elsewhere = await server.auth.login(username, 'correct horse', new Date(), { address: '10.1.2.3' });
    expect(elsewhere.ok).toBe(true);
    // Ten minutes on, from the same address: in.
    const later = await server.auth.login(username, 'correct horse', new Date(Date.now() + 10 * 60_000 + 1000), { address: '127.0.0.1' });
    expect(later.ok).toBe(true);

    const audit = await server.store.audit('user', id);
    const logins = audit.filter((a) => a.action === 'login');
    expect(logins.filter((a) => a.outcome === 'failed')).toHaveLength(5);
    expect(logins.filter((a) => a.outcome === 'ok').length).toBeGreaterThanOrEqual(2);
    expect(audit.every((a) => a.at.endsWith('Z'))).toBe(true);
    const refused = await server.store.audit('user', username);
    expect(refused.some((a) => a.outcome === 'refused' && a.reason?.includes('throttled'))).toBe(true);
  });

  it('ends a session after the idle timeout, except for a kiosk; the absolute limit holds for everyone', async () => {
    const auth = server.auth;
    const idle = auth.options.idleTimeoutMs;
    const ttl = auth.options.sessionTtlMs;
    const now = Date.now();
    const desk = await auth.login('dispatcher', 'demo', new Date(now), { address: 'test' });
    const kiosk = await auth.login('operator', 'demo', new Date(now), { address: 'test' });
    if (!desk.ok || !kiosk.ok) throw new Error('sign-in failed');
    expect(await auth.userForToken(desk.token, new Date(now + idle - 1000))).not.toBeNull();
    expect(await auth.userForToken(desk.token, new Date(now + idle + 1000))).toBeNull();
    expect(await auth.userForToken(kiosk.token, new Date(now + idle + 1000))).not.toBeNull();
    expect(await auth.userForToken(kiosk.token, new Date(now + ttl + 1000))).toBeNull();
    // Activity keeps a desk session alive.
    const active = await auth.login('dispatcher', 'demo', new Date(now), { address: 'test' });
    if (!active.ok) throw new Error('sign-in failed');
    await auth.sessionFor(active.token, new Date(now + idle - 1000), { touch: true });
    expect(await auth.userForToken(active.token, new Date(now + idle + 1000))).not.toBeNull();
  });

  it('rehashes a password at sign-in when the parameters have risen', async () => {
    const weak = new AuthService(server.store, { argon2: { memoryCost: 8192, timeCost: 1, parallelism: 1 } });
    const user = await weak.createUser({ username: `weak${Date.now()}`, password: 'old hash here', role: 'operator', displayName: 'Weak' }, new Date().toISOString());
    const before = (await server.store.getUser(user.id))!.passwordHash;
    expect(needsRehash(before, DEFAULT_ARGON2)).toBe(true);
    expect((await server.auth.login(user.username, 'old hash here', new Date(), { address: 'test' })).ok).toBe(true);
    const after = (await server.store.getUser(user.id))!.passwordHash;
    expect(after).not.toBe(before);
    expect(needsRehash(after, DEFAULT_ARGON2)).toBe(false);
    expect(after).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it.each([
    ['logout', async (cookie: string) => postJson(server.url, '/api/auth/logout', {}, { cookie })],
    ['disabling the user', async (_cookie: string, id: string) => fetch(`${server.url}/api/admin/users/${id}`, { method: 'PATCH', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ disabled: true }) })],
    ['changing their role', async (_cookie: string, id: string) => fetch(`${server.url}/api/admin/users/${id}`, { method: 'PATCH', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ role: 'operator' }) })],
    ['changing their district', async (_cookie: string, id: string) => fetch(`${server.url}/api/admin/users/${id}`, { method: 'PATCH', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify({ districtId: 'CA01' }) })],
    ['an admin ending the session', async (_cookie: string, id: string) => {
      const session = (await getJson(server.url, '/api/admin/sessions', { cookie: admin })).body.items.find((s: { userId: string }) => s.userId === id);
      return fetch(`${server.url}/api/admin/sessions/${session.id}`, { method: 'DELETE', headers: { cookie: admin } });
    }],
  ])('%s ends the session(s) and closes their sockets within 1 s; the old cookie cannot reconnect', async (_what, act) => {
    const { id, username } = await newUser();
    const cookie = await login(server.url, username, 'correct horse');
    const second = await login(server.url, username, 'correct horse');
    const sockets = [new LiveClient(server.url, cookie), new LiveClient(server.url, cookie)];
    for (const s of sockets) await s.until(() => s.snapshots.length === 1, 'snapshot');
    const times = await Promise.all([closedWithin(sockets[0]!, () => act(cookie, id)), closedWithin(sockets[1]!, async () => undefined)]);
    expect(Math.max(...times)).toBeLessThan(1000);
    expect((await getJson(server.url, '/api/auth/me', { cookie })).status).toBe(401);
    if (_what !== 'logout' && _what !== 'an admin ending the session') expect((await getJson(server.url, '/api/auth/me', { cookie: second })).status).toBe(401);
    const retry = new LiveClient(server.url, cookie);
    const error = await new Promise<Error>((resolve) => retry.socket.once('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
    retry.close();
    for (const s of sockets) s.close();
  });
});
