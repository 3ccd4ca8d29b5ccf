// The deadline scheduler on the real server, driven by an injected clock: each escalation step
// fires exactly once — also across a restart in the middle, and with two schedulers on one store.
// Run on both stores: the embedded file, and PostgreSQL when it answers (required in CI), where
// the two schedulers are two nodes sharing one database.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startCityServer, type CityServer } from '../app.ts';
import { testConfig } from '../config.ts';
import { LiveClient, SAMPLE_CATEGORY, getJson, ingest, login, patrolReport } from '../testing/harness.ts';
import { createTestDatabase, postgresReachable } from '../testing/services.ts';
import type { Incident } from '../../shared/domain/types.ts';

/** A clock the test moves by hand. */
function manualClock(startMs = Date.now()) {
  let now = startMs;
  return { now: () => new Date(now), set: (ms: number) => (now = ms) };
}

const dirs: string[] = [];
const servers: CityServer[] = [];
const databases: { drop(): Promise<void> }[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  for (const db of databases.splice(0)) await db.drop();
});

/** Where a server keeps its state: a data directory, and a database when the store is PostgreSQL. */
interface Place {
  dir: string;
  databaseUrl?: string;
}

function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-deadlines-'));
  dirs.push(dir);
  return dir;
}

const pgUp = await postgresReachable();
const STORES: { name: string; place: () => Promise<Place> }[] = [
  { name: 'embedded', place: async () => ({ dir: tempDir() }) },
  ...(pgUp
    ? [
        {
          name: 'PostgreSQL',
          place: async () => {
            const db = await createTestDatabase();
            databases.push(db);
            return { dir: tempDir(), databaseUrl: db.url };
          },
        },
      ]
    : []),
];

async function start(place: Place, clock: ReturnType<typeof manualClock>): Promise<CityServer> {
  // A tick period longer than any test: passes run only when the test asks.
  const config = testConfig(place.dir, { demo: true, clock: clock.now, deadlineTickMs: 3_600_000, ...(place.databaseUrl ? { databaseUrl: place.databaseUrl } : {}) });
  const server = await startCityServer(config);
  servers.push(server);
  expect(server.store.kind).toBe(place.databaseUrl ? 'postgres' : 'sqlite');
  await server.deadlines.tick();
  return server;
}

async function stop(server: CityServer): Promise<void> {
  servers.splice(servers.indexOf(server), 1);
  await server.close();
}

async function openCase(server: CityServer): Promise<Incident> {
  const res = await ingest(server.url, [patrolReport({ payload: { category: SAMPLE_CATEGORY, text: '路口积水', location: [-87.6298, 41.8781] } })]);
  const id = res.body.results[0].incidentId as string;
  return (await server.store.getIncident(id))!;
}

/** The escalation steps recorded in the audit log for an incident, in order. */
async function steps(server: CityServer, id: string): Promise<string[]> {
  return (await server.store.audit('incident', id)).map((e) => e.action).filter((a) => a.startsWith('deadline_'));
}

const minutes = (incident: Incident, m: number) => Date.parse(incident.createdAt) + m * 60_000;

describe.each(STORES)('$name store', ({ place: dataDir }) => {
  describe('deadline scheduler', () => {
    it('urges at 80%, escalates when overdue and at 150%, each once, and says so on the stream', async () => {
      const clock = manualClock();
      const server = await start(await dataDir(), clock);
      const incident = await openCase(server);
      // The fixtures give street flooding (critical) 10 minutes to dispatch.
      expect(incident.deadline).toMatchObject({ stage: 'dispatch', light: 'green', used: 0, fired: [] });
      expect(Date.parse(incident.deadline!.dueAt!) - Date.parse(incident.createdAt)).toBe(10 * 60_000);

      const supervisor = new LiveClient(server.url, await login(server.url, 'supervisor'));
      await supervisor.until(() => supervisor.snapshots.length > 0, 'snapshot');
      const seen = (light: string) =>
        supervisor.batches.some((b) => b.changes.some((c) => c.type === 'incident' && c.incident.id === incident.id && c.incident.deadline?.light === light));

      clock.set(minutes(incident, 7));
      expect(await server.deadlines.tick()).toBe(0);
      clock.set(minutes(incident, 8.5));
      expect(await server.deadlines.tick()).toBe(1);
      expect(await server.deadlines.tick()).toBe(0);
      await supervisor.until(() => seen('yellow'), 'the case turning yellow on the stream');
      expect((await server.store.getIncident(incident.id))!).toMatchObject({ escalationLevel: 0, deadline: { light: 'yellow', fired: ['urge'] } });

      clock.set(minutes(incident, 10.5));
      expect(await server.deadlines.tick()).toBe(1);
      await supervisor.until(() => seen('red'), 'the case turning red on the stream');
      expect((await server.store.getIncident(incident.id))!).toMatchObject({ escalationLevel: 1, deadline: { light: 'red' } });

      clock.set(minutes(incident, 16));
      expect(await server.deadlines.tick()).toBe(1);
      clock.set(minutes(incident, 60));
      expect(await server.deadlines.tick()).toBe(0);
      const after = (await server.store.getIncident(incident.id))!;
      expect(after.escalationLevel).toBe(2);
      expect(after.deadline?.nextAt).toBeNull();
      expect(await steps(server, incident.id)).toEqual(['deadline_urge', 'deadline_overdue', 'deadline_level2']);
      const timeline = await server.store.timeline(incident.id);
      expect(timeline.filter((e) => e.action.startsWith('deadline_')).map((e) => e.actorId)).toEqual([null, null, null]);
      supervisor.close();
    });

    it('survives a restart in the middle: steps due while it was down fire once, none fires twice', async () => {
      const clock = manualClock();
      const dir = await dataDir();
      const first = await start(dir, clock);
      const incident = await openCase(first);
      clock.set(minutes(incident, 9));
      expect(await first.deadlines.tick()).toBe(1);
      await stop(first);

      // Down while the case went overdue and past 150%.
      clock.set(minutes(incident, 20));
      const second = await start(dir, clock);
      expect(await second.deadlines.tick()).toBe(0);
      expect(await steps(second, incident.id)).toEqual(['deadline_urge', 'deadline_overdue', 'deadline_level2']);
      expect((await second.store.getIncident(incident.id))!.escalationLevel).toBe(2);

      await stop(second);
      const third = await start(dir, clock);
      expect(await third.deadlines.tick()).toBe(0);
      expect(await steps(third, incident.id)).toHaveLength(3);
    });

    it('two schedulers on one store: one holds the lease; the other takes over only when it lapses', async () => {
      const clock = manualClock();
      const dir = await dataDir();
      const a = await start(dir, clock);
      const b = await start(dir, clock);
      const incident = await openCase(a);

      clock.set(minutes(incident, 16));
      const [byA, byB] = await Promise.all([a.deadlines.tick(), b.deadlines.tick()]);
      expect(byA + byB).toBe(3);
      expect(byB).toBe(0);
      expect(await steps(a, incident.id)).toEqual(['deadline_urge', 'deadline_overdue', 'deadline_level2']);

      // A hangs (it stops ticking but never gives the lease up); B takes over once the lease lapses.
      const another = await openCase(b);
      clock.set(minutes(another, 9));
      expect(await b.deadlines.tick()).toBe(0);
      clock.set(minutes(another, 9) + 3_600_000 * 5);
      expect(await b.deadlines.tick()).toBe(3);
      expect(await a.deadlines.tick()).toBe(0);
      expect(await steps(b, another.id)).toEqual(['deadline_urge', 'deadline_overdue', 'deadline_level2']);
      expect(await steps(b, incident.id)).toHaveLength(3);
    });

    it('an approved extension stops the clock; the case does not escalate until it ends', async () => {
      const clock = manualClock();
      const server = await start(await dataDir(), clock);
      const incident = await openCase(server);
      const dispatcher = await login(server.url, 'dispatcher');
      const supervisor = await login(server.url, 'supervisor');
      clock.set(minutes(incident, 2));
      const asked = await fetch(`${server.url}/api/incidents/${incident.id}/deadline-requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: dispatcher },
        body: JSON.stringify({ kind: 'extension', reason: '等待管网图纸', minutes: 60 }),
      });
      expect(asked.status).toBe(201);
      const request = (await asked.json()) as { id: string; status: string };
      expect(request.status).toBe('pending');
      // A dispatcher cannot approve; a supervisor can.
      const denied = await fetch(`${server.url}/api/deadline-requests/${request.id}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: dispatcher },
        body: JSON.stringify({ approve: true }),
      });
      expect(denied.status).toBe(403);
      const approved = await fetch(`${server.url}/api/deadline-requests/${request.id}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: supervisor },
        body: JSON.stringify({ approve: true, note: '同意' }),
      });
      expect(approved.status).toBe(200);
      expect((await server.store.getIncident(incident.id))!.deadline).toMatchObject({ paused: true, dueAt: null });

      clock.set(minutes(incident, 40));
      expect(await server.deadlines.tick()).toBe(0);
      // The hour ends at minute 62: 2 minutes were used before it, so 80% comes at minute 68 and the due time at 70.
      clock.set(minutes(incident, 63));
      expect(await server.deadlines.tick()).toBe(0);
      expect((await server.store.getIncident(incident.id))!.deadline?.dueAt).toBe(new Date(minutes(incident, 70)).toISOString());
      clock.set(minutes(incident, 69));
      expect(await server.deadlines.tick()).toBe(1);
      const actions = (await server.store.audit('incident', incident.id)).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(['request_extension', 'approve_extension', 'deadline_urge']));

      // Bad input is named; a second decision is refused.
      const bad = await fetch(`${server.url}/api/incidents/${incident.id}/deadline-requests`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: dispatcher },
        body: JSON.stringify({ kind: 'extension', reason: 'x', minutes: -5 }),
      });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('minutes');
      const again = await fetch(`${server.url}/api/deadline-requests/${request.id}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: supervisor },
        body: JSON.stringify({ approve: false }),
      });
      expect(again.status).toBe(422);
      const list = await getJson(server.url, '/api/deadline-requests?status=approved', { cookie: supervisor });
      expect(list.body.items.map((r: { id: string }) => r.id)).toContain(request.id);
    });
  });

  describe('deadline profiles (admin) and return arbitration', () => {
    it('only an admin edits profiles; bad ones are refused by field; saving recomputes open cases', async () => {
      const clock = manualClock();
      const dir = await dataDir();
      let server = await start(dir, clock);
      const incident = await openCase(server);
      const admin = await login(server.url, 'admin');
      const supervisor = await login(server.url, 'supervisor');
      const put = (cookie: string, body: unknown) =>
        fetch(`${server.url}/api/admin/deadline-profiles`, { method: 'PUT', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify(body) });

      expect((await getJson(server.url, '/api/admin/deadline-profiles', { cookie: supervisor })).status).toBe(403);
      const current = (await getJson(server.url, '/api/admin/deadline-profiles', { cookie: admin })).body;
      expect(current.profiles.length).toBeGreaterThan(1);
      expect(current.calendar.hours).toEqual([[540, 720], [780, 1080]]);

      expect((await put(supervisor, current)).status).toBe(403);
      const bad = await put(admin, { profiles: [{ ...current.profiles[0], limits: { ...current.profiles[0].limits, accept: { amount: 0, unit: 'fortnights' } } }] });
      expect(bad.status).toBe(400);
      expect(JSON.stringify(await bad.json())).toContain('profiles.0.limits.accept');
      const twice = await put(admin, { profiles: [current.profiles[0], current.profiles[0]] });
      expect(twice.status).toBe(400);

      // Street flooding, critical: 30 minutes to dispatch instead of 10.
      const flooding = current.profiles.find((p: { category: string }) => p.category === 'municipal.drainage.waterlogging');
      const edited = current.profiles.map((p: { category: string }) => (p === flooding ? { ...flooding, limits: { ...flooding.limits, dispatch: { amount: 30, unit: 'minutes' } } } : p));
      expect((await put(admin, { profiles: edited })).status).toBe(200);
      const after = (await server.store.getIncident(incident.id))!;
      expect(Date.parse(after.deadline!.dueAt!) - Date.parse(after.createdAt)).toBe(30 * 60_000);
      const audit = await server.store.audit('deadline_profiles', 'all');
      expect(audit.at(-1)?.action).toBe('deadline_profiles.save');

      // The edit survives a restart: the store keeps it; the fixtures seed only an empty store.
      await stop(server);
      server = await start(dir, clock);
      expect(server.deadlines.listProfiles()).toHaveLength(edited.length);
      expect(server.deadlines.listProfiles()).toEqual(expect.arrayContaining(edited));
    });

    it('a returned task waits for arbitration; the supervisor finds it unjustified, audited', async () => {
      const clock = manualClock();
      const server = await start(await dataDir(), clock);
      const incident = await openCase(server);
      const dispatcher = { id: 'd', role: 'dispatcher' as const };
      const at = new Date();
      const unitId = (await server.store.listUnits())[0]!.id;
      const triaged = await server.incidents.act(incident.id, { action: 'triage', version: incident.version, category: SAMPLE_CATEGORY, severity: 'critical' }, dispatcher, at);
      expect(triaged.ok).toBe(true);
      const dispatched = await server.incidents.act(incident.id, { action: 'dispatch', version: incident.version + 1, unitId, reason: 'test' }, dispatcher, at);
      expect(dispatched.ok && dispatched.value.deadline?.stage).toBe('accept');
      const [task] = await server.store.tasksOf(incident.id);
      const returned = await server.incidents.actOnTask(task!.id, { action: 'return', version: task!.version, reason: '不属于本单位职责' }, dispatcher, at);
      expect(returned.ok).toBe(true);
      const supervisor = await login(server.url, 'supervisor');
      const pending = (await getJson(server.url, '/api/deadline-requests?status=pending', { cookie: supervisor })).body.items;
      expect(pending).toEqual([expect.objectContaining({ kind: 'return', unitId, incidentId: incident.id, reason: '不属于本单位职责' })]);
      const res = await fetch(`${server.url}/api/deadline-requests/${pending[0].id}/decision`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: supervisor },
        body: JSON.stringify({ approve: false, note: '属于本单位职责' }),
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'refused', note: '属于本单位职责' });
      const actions = (await server.store.audit('incident', incident.id)).map((e) => e.action);
      expect(actions).toContain('refuse_return');
      // Arbitration stops no clock.
      expect((await server.store.getIncident(incident.id))!.pauses ?? []).toEqual([]);
    });
  });
});
