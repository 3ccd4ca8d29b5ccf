// Callers' privacy end to end: the operator's whole view of a simulated hour (every socket frame,
// every response, every log line) holds no caller's full name or phone; the full value comes only
// from an explicit reveal, which is audited and rate-limited; retention scrubs it, audit stays.

import { Writable } from 'node:stream';
import Database from 'better-sqlite3';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { testConfig } from '../config.ts';
import { Simulator } from '../ingest/simulator.ts';
import { LiveClient, getJson, ingest, login, postJson, startTestServer } from '../testing/harness.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe("callers' privacy", () => {
  let server: Server;
  const logLines: string[] = [];

  beforeAll(async () => {
    const logDestination = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    });
    server = await startTestServer({
      logLevel: 'trace',
      logDestination,
      security: { ...testConfig('.').security, revealRatePerHour: 3 },
    });
  });
  afterAll(async () => {
    await server.close();
  });

  it('the operator sees no full phone number or caller name anywhere during a simulated hour', async () => {
    const operator = await login(server.url, 'operator');
    const frames: string[] = [];
    const responses: string[] = [];
    const live = new LiveClient(server.url, operator);
    live.socket.onAny((event, ...args) => frames.push(JSON.stringify([event, ...args])));
    await live.until(() => live.snapshots.length === 1, 'snapshot');

    const simulator = new Simulator(server.ingest, server.store, server.hub, server.city, { seed: 7, speed: 1200, tickMs: 100 }, server.incidents);
    simulator.start();
    try {
      await vi.waitFor(() => expect(simulator.stats.steps).toBeGreaterThanOrEqual(3600), { timeout: 60_000, interval: 100 });
    } finally {
      simulator.stop();
    }
    // Read like the hotline desk would: the queue, each case's detail, the vital signs.
    const read = async (route: string) => {
      const text = await (await fetch(`${server.url}${route}`, { headers: { cookie: operator } })).text();
      responses.push(text);
      return text;
    };
    const list = JSON.parse(await read('/api/incidents?limit=500')) as { items: { id: string }[] };
    for (const item of list.items) await read(`/api/incidents/${item.id}`);
    for (const route of ['/api/metrics/summary', '/api/units', '/api/sensors', '/api/auth/me']) await read(route);
    await server.hub.flush();
    live.close();

    const db = new Database(path.join(server.dataDir, 'city.db'), { readonly: true });
    const callers = db.prepare('SELECT DISTINCT name, phone FROM callers').all() as { name: string; phone: string }[];
    db.close();
    expect(callers.length).toBeGreaterThan(5);
    expect(responses.some((r) => r.includes('****'))).toBe(true);

    const haystacks = { frame: frames, response: responses, log: logLines };
    const found: string[] = [];
    for (const { name, phone } of callers) {
      const digits = phone.replace(/\D/g, '');
      for (const [kind, texts] of Object.entries(haystacks)) {
        for (const text of texts) {
          if (text.replace(/[\s-]/g, '').includes(digits)) found.push(`${kind} holds phone ${digits}`);
          if (text.includes(name)) found.push(`${kind} holds name ${name}`);
        }
      }
    }
    expect(found.slice(0, 10)).toEqual([]);
    // The haystacks hold the hour's hotline cases, so the scan looked where callers would show.
    expect(frames.some((f) => f.includes('"source":"hotline"'))).toBe(true);
    expect(logLines.length).toBeGreaterThan(0);
  }, 120_000);

  it('reveals the full caller only to a dispatcher or supervisor who gives a reason, audited and rate-limited', async () => {
    const dispatcher = await login(server.url, 'dispatcher');
    const operator = await login(server.url, 'operator');
    const place = server.city.addresses[5]!;
    const res = await ingest(server.url, [
      {
        source: 'hotline',
        sourceEventId: `reveal-${Date.now()}`,
        occurredAt: new Date().toISOString(),
        payload: { callId: 'reveal-1', caller: { name: '欧阳娜娜', phone: '13912345678' }, text: '井盖缺失', location: place.location, wantsCallback: true },
      },
    ]);
    const incidentId = res.body.results[0].incidentId as string;
    const detail = (await getJson(server.url, `/api/incidents/${incidentId}`, { cookie: dispatcher })).body;
    expect(detail.callers).toEqual([{ eventId: expect.any(Number), name: '欧***', phone: '139****5678' }]);
    const eventId = detail.callers[0].eventId as number;
    const reveal = (cookie: string, body: unknown) => postJson(server.url, `/api/incidents/${incidentId}/callers/reveal`, body, { cookie });

    expect((await reveal(operator, { eventId, reason: 'curious' })).status).toBe(403);
    const noReason = await reveal(dispatcher, { eventId });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0].path).toBe('reason');
    const shown = await reveal(dispatcher, { eventId, reason: 'call back: caller asked for an update' });
    expect(shown.status).toBe(200);
    expect(shown.body).toEqual({ eventId, name: '欧阳娜娜', phone: '13912345678' });
    expect(shown.headers.get('cache-control')).toBe('no-store');

    const me = (await getJson(server.url, '/api/auth/me', { cookie: dispatcher })).body.user;
    const audit = await server.store.audit('caller', String(eventId));
    expect(audit).toEqual([expect.objectContaining({ action: 'caller_reveal', actorId: me.id, reason: 'call back: caller asked for an update', outcome: 'ok' })]);
    // The audit entry records the act, never the values revealed.
    expect(JSON.stringify(audit)).not.toContain('13912345678');

    // The limit is per user per hour (3 in this test), counting every attempt.
    let limited = null;
    for (let i = 0; i < 4 && !limited; i += 1) {
      const r = await reveal(dispatcher, { eventId, reason: 'again' });
      if (r.status === 429) limited = r;
    }
    expect(limited?.headers.get('retry-after')).toBeTruthy();
  });

  it('scrubs callers past retention: masked and revealed values are gone, the audit trail stays', async () => {
    const supervisor = await login(server.url, 'supervisor');
    const place = server.city.addresses[9]!;
    const res = await ingest(server.url, [
      {
        source: 'hotline',
        sourceEventId: `retention-${Date.now()}`,
        occurredAt: new Date().toISOString(),
        payload: { callId: 'ret-1', caller: { name: '司马光', phone: '13700001111' }, text: '路灯不亮', location: place.location, wantsCallback: false },
      },
    ]);
    const incidentId = res.body.results[0].incidentId as string;
    const eventId = (await getJson(server.url, `/api/incidents/${incidentId}`, { cookie: supervisor })).body.callers[0].eventId as number;
    expect((await postJson(server.url, `/api/incidents/${incidentId}/callers/reveal`, { eventId, reason: 'callback' }, { cookie: supervisor })).status).toBe(200);

    // Nothing is scrubbed before its time; everything is after it.
    expect(await server.scrubCallers(new Date())).toBe(0);
    const later = new Date(Date.now() + server.config.security.callerRetentionMs + 60_000);
    expect(await server.scrubCallers(later)).toBeGreaterThan(0);

    expect((await getJson(server.url, `/api/incidents/${incidentId}`, { cookie: supervisor })).body.callers).toEqual([]);
    const gone = await postJson(server.url, `/api/incidents/${incidentId}/callers/reveal`, { eventId, reason: 'callback' }, { cookie: supervisor });
    expect(gone.status).toBe(404);
    const audit = await server.store.audit('caller', String(eventId));
    expect(audit.map((a) => a.outcome)).toEqual(['ok', 'failed']);
    const db = new Database(path.join(server.dataDir, 'city.db'), { readonly: true });
    const raw = JSON.stringify(db.prepare('SELECT * FROM events WHERE id = ?').get(eventId));
    db.close();
    expect(raw).not.toContain('13700001111');
    expect(raw).not.toContain('司马光');
  });
});
