// Hardening at the edge, seen from outside: headers on every response, the cross-site check on
// state-changing requests, the socket handshake's origin check and message limit, rate limits.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import { LIVE_NAMESPACE } from '../../shared/protocol/changes.ts';
import { testConfig } from '../config.ts';
import { LiveClient, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../testing/harness.ts';
import { MAX_SOCKET_MESSAGE_BYTES } from '../realtime/liveServer.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

function expectHardened(headers: Headers, what: string): void {
  const csp = headers.get('content-security-policy') ?? '';
  expect(csp, what).toContain("script-src 'self'");
  expect(csp, what).not.toMatch(/script-src[^;]*unsafe-inline/);
  expect(csp, what).toContain("object-src 'none'");
  expect(csp, what).toContain("base-uri 'none'");
  expect(csp, what).toContain("frame-ancestors 'none'");
  const hsts = /max-age=(\d+)/.exec(headers.get('strict-transport-security') ?? '');
  expect(Number(hsts?.[1]), what).toBeGreaterThanOrEqual(365 * 24 * 3600);
  expect(headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(headers.get('x-powered-by'), what).toBeNull();
}

describe('hardening', () => {
  let server: Server;
  let dispatcher: string;
  beforeAll(async () => {
    server = await startTestServer({
      security: { ...testConfig('.').security, allowedOrigins: ['https://ops.example.gov'], loginRatePerMin: 8, commandRatePerMin: 5 },
    });
    dispatcher = await login(server.url, 'dispatcher');
  });
  afterAll(async () => {
    await server.close();
  });

  it('puts the security headers on every kind of response: JSON, errors, GeoJSON, tiles, health', async () => {
    const cases: [string, RequestInit?][] = [
      ['/healthz'],
      ['/api/auth/me'],
      ['/api/incidents', { headers: { cookie: dispatcher } }],
      ['/api/geo/districts', { headers: { cookie: dispatcher } }],
      ['/api/no-such-route', { headers: { cookie: dispatcher } }],
      ['/tiles/city.pmtiles', { headers: { range: 'bytes=0-99' } }],
      ['/open311/v2/services.json'],
      ['/nowhere'],
      ['/api/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' }],
    ];
    for (const [path, init] of cases) {
      const res = await fetch(`${server.url}${path}`, init);
      expectHardened(res.headers, path);
    }
  });

  it('refuses cross-site browser requests that change state, and lets same-origin, allowed and header-less ones through', async () => {
    const report = { events: [patrolReport()] };
    const post = (headers: Record<string, string>) => postJson(server.url, '/api/ingest/events', { events: [patrolReport()] }, { cookie: dispatcher, ...headers });
    const foreign = await post({ origin: 'https://evil.example' });
    expect(foreign.status).toBe(403);
    expect(foreign.body.error.code).toBe('forbidden');
    expect((await post({ 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post({ origin: 'null' })).status).toBe(403);
    expect((await post({ origin: new URL(server.url).origin, 'sec-fetch-site': 'same-origin' })).status).toBe(200);
    expect((await post({ origin: 'https://ops.example.gov' })).status).toBe(200);
    // Machines and scripts send neither header: as before.
    expect((await post({})).status).toBe(200);
    // A form posted from another site cannot sign anyone in either.
    const login = await postJson(server.url, '/api/auth/login', { username: 'dispatcher', password: 'demo' }, { origin: 'https://evil.example' });
    expect(login.status).toBe(403);
    // API keys carry no ambient credential: a browser page elsewhere may use one (its own key).
    expect((await ingest(server.url, report.events)).status).toBe(200);
    // Reads are not state-changing.
    expect((await getJson(server.url, '/api/auth/me', { cookie: dispatcher, origin: 'https://evil.example' })).status).toBe(200);
  });

  it('refuses a live connection from a foreign Origin at the handshake, and accepts its own', async () => {
    const attempt = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = io(`${server.url}${LIVE_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: dispatcher, origin } });
        socket.once('connect', () => {
          socket.close();
          resolve('connected');
        });
        socket.once('connect_error', (err) => {
          socket.close();
          resolve(`refused: ${err.message}`);
        });
      });
    expect(await attempt('https://evil.example')).toMatch(/^refused/);
    expect(await attempt(new URL(server.url).origin)).toBe('connected');
    expect(await attempt('https://ops.example.gov')).toBe('connected');
  });

  it('closes a socket that sends a message larger than the small limit', async () => {
    const c = new LiveClient(server.url, dispatcher);
    await c.until(() => c.snapshots.length === 1, 'snapshot');
    const closed = new Promise<string>((resolve) => c.socket.once('disconnect', (reason) => resolve(reason)));
    c.socket.emit('presence:view', { incidentId: 'x'.repeat(MAX_SOCKET_MESSAGE_BYTES * 2) } as never);
    expect(await closed).toBe('transport close');
    c.close();
  });

  it('limits sign-ins per address and commands per user, with 429 and Retry-After', async () => {
    let limited: Awaited<ReturnType<typeof postJson>> | null = null;
    for (let i = 0; i < 12 && !limited; i += 1) {
      const res = await postJson(server.url, '/api/auth/login', { username: `someone${i}`, password: 'x' });
      if (res.status === 429) limited = res;
    }
    expect(limited?.body.error.code).toBe('rate_limited');
    expect(Number(limited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);

    let commandLimited: Awaited<ReturnType<typeof postJson>> | null = null;
    for (let i = 0; i < 8 && !commandLimited; i += 1) {
      const res = await postJson(server.url, '/api/alarms/none/acknowledge', {}, { cookie: dispatcher });
      if (res.status === 429) commandLimited = res;
      else expect(res.status).toBe(404);
    }
    expect(commandLimited?.body.error.code).toBe('rate_limited');
    expect(Number(commandLimited?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
