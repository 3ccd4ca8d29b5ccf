// The authorization matrix, generated from the policy table: every route the server registers ×
// every role (and no session) × a target in the caller's own district and one elsewhere.
// Allowed → the route's success status; refused → 403; outside an officer's scope → 404; no
// session → 401. Routes without a policy row, or rows without a probe here, fail the test.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../shared/domain/types.ts';
import { ROUTE_POLICY, SOCKET_POLICY, grantOf, routePolicyFor, type RoutePolicy } from '../../shared/security/policy.ts';
import { LiveClient, SAMPLE_CATEGORY, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../testing/harness.ts';
import { registeredRoutes } from '../testing/routes.ts';
import { testConfig } from '../config.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Target = 'own' | 'other';
type Who = Role | 'anonymous';

interface Probe {
  path: string;
  body?: unknown;
  /** Send no session cookie even for a role (signing out would end the role's session). */
  noCookie?: boolean;
  contentType?: string;
  raw?: Buffer;
}

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32)]);

describe('authorization matrix from the policy table', () => {
  let server: Server;
  const cookies = {} as Record<Role, string>;
  // The officer's district and unit are "own"; a place, unit and sensor elsewhere are "other".
  const w = {} as {
    incident: Record<Target, string>;
    task: Record<Target, string>;
    unit: Record<Target, string>;
    sensor: Record<Target, string>;
    photo: Record<Target, string>;
    callerEvent: Record<Target, number>;
    district: string;
  };
  let n = 0;

  async function send(method: string, probe: Probe, who: Who) {
    const headers: Record<string, string> = {};
    if (who !== 'anonymous' && !probe.noCookie) headers.cookie = cookies[who];
    let body: BodyInit | undefined;
    if (probe.raw) {
      headers['content-type'] = probe.contentType ?? 'application/octet-stream';
      body = new Uint8Array(probe.raw);
    } else if (probe.body !== undefined) {
      headers['content-type'] = probe.contentType ?? 'application/json';
      body = typeof probe.body === 'string' ? probe.body : JSON.stringify(probe.body);
    }
    const res = await fetch(`${server.url}${probe.path}`, { method, headers, body });
    const text = await res.text();
    return { status: res.status, text };
  }

  /** How to call each route for a target, and the status that means it was carried out. */
  const probes: Record<string, { ok: number[]; probe: (t: Target) => Probe | Promise<Probe> }> = {
    'GET /healthz': { ok: [200], probe: () => ({ path: '/healthz' }) },
    'GET /readyz': { ok: [200], probe: () => ({ path: '/readyz' }) },
    // The test speaks from loopback, which the scrape guard lets through (its own test checks the token).
    'GET /metrics': { ok: [200], probe: () => ({ path: '/metrics' }) },
    'GET /open311/v2/services.json': { ok: [200], probe: () => ({ path: '/open311/v2/services.json' }) },
    'GET /open311/v2/services/:code.json': { ok: [200], probe: () => ({ path: `/open311/v2/services/${SAMPLE_CATEGORY}.json` }) },
    'GET /open311/v2/requests.json': { ok: [200], probe: () => ({ path: '/open311/v2/requests.json' }) },
    // Without an api_key the standard's own 400: the route, not the gate, decides.
    'POST /open311/v2/requests.json': { ok: [400], probe: () => ({ path: '/open311/v2/requests.json', body: 'x=1', contentType: 'application/x-www-form-urlencoded' }) },
    'GET /open311/v2/requests/:id.json': { ok: [404], probe: () => ({ path: '/open311/v2/requests/nope.json' }) },
    'POST /api/auth/login': { ok: [401], probe: () => ({ path: '/api/auth/login', body: { username: `nobody${(n += 1)}`, password: 'x' } }) },
    'POST /api/auth/logout': { ok: [200], probe: () => ({ path: '/api/auth/logout', body: {}, noCookie: true }) },
    'GET /api/auth/me': { ok: [200], probe: () => ({ path: '/api/auth/me' }) },
    'POST /api/ingest/events': { ok: [200], probe: () => ({ path: '/api/ingest/events', body: { events: [patrolReport()] } }) },
    'POST /api/photos': { ok: [201], probe: () => ({ path: '/api/photos', raw: PNG, contentType: 'image/png' }) },
    'GET /api/photos/:id': { ok: [200], probe: (t) => ({ path: `/api/photos/${w.photo[t]}` }) },
    'GET /api/incidents': { ok: [200], probe: () => ({ path: '/api/incidents?limit=500' }) },
    'POST /api/incidents': {
      ok: [201],
      probe: () => ({ path: '/api/incidents', body: { text: 'matrix', category: SAMPLE_CATEGORY, location: server.city.addresses[0]!.location } }),
    },
    'GET /api/incidents/:id': { ok: [200], probe: (t) => ({ path: `/api/incidents/${w.incident[t]}` }) },
    'GET /api/incidents/:id/recommendations': { ok: [200], probe: (t) => ({ path: `/api/incidents/${w.incident[t]}/recommendations` }) },
    'GET /api/incidents/:id/duplicates': { ok: [200], probe: (t) => ({ path: `/api/incidents/${w.incident[t]}/duplicates` }) },
    // A stale version: the command passed authorization and scope, then met the version check.
    'POST /api/incidents/:id/actions': { ok: [409], probe: (t) => ({ path: `/api/incidents/${w.incident[t]}/actions`, body: { action: 'escalate', version: 999, reason: 'matrix' } }) },
    'POST /api/incidents/:id/callers/reveal': {
      ok: [200],
      probe: (t) => ({ path: `/api/incidents/${w.incident[t]}/callers/reveal`, body: { eventId: w.callerEvent[t], reason: 'call back about the case' } }),
    },
    'GET /api/tasks': { ok: [200], probe: () => ({ path: `/api/tasks?unit=${w.unit.own}` }) },
    'POST /api/tasks/:id/actions': { ok: [409], probe: (t) => ({ path: `/api/tasks/${w.task[t]}/actions`, body: { action: 'accept', version: 999 } }) },
    'GET /api/city': { ok: [200], probe: () => ({ path: '/api/city' }) },
    'GET /api/geo/districts': { ok: [200], probe: () => ({ path: '/api/geo/districts' }) },
    'GET /api/geo/grids': { ok: [200], probe: () => ({ path: '/api/geo/grids' }) },
    'GET /api/map/style.json': { ok: [200], probe: () => ({ path: '/api/map/style.json' }) },
    'GET /api/categories': { ok: [200], probe: () => ({ path: '/api/categories' }) },
    'GET /api/units': { ok: [200], probe: () => ({ path: '/api/units' }) },
    'POST /api/units/:id/position': {
      ok: [200],
      probe: (t) => ({ path: `/api/units/${w.unit[t]}/position`, body: { location: server.city.addresses[0]!.location, at: new Date().toISOString() } }),
    },
    'GET /api/sensors': { ok: [200], probe: () => ({ path: '/api/sensors' }) },
    'GET /api/sensors/:id/readings': { ok: [200], probe: (t) => ({ path: `/api/sensors/${w.sensor[t]}/readings` }) },
    // No such alarm: the handler's own 404, reached only past the gate.
    'POST /api/alarms/:id/acknowledge': { ok: [404], probe: () => ({ path: '/api/alarms/no-such-alarm/acknowledge', body: {} }) },
    'GET /api/metrics/summary': { ok: [200], probe: () => ({ path: '/api/metrics/summary' }) },
    'GET /api/metrics/timeseries': { ok: [200], probe: () => ({ path: '/api/metrics/timeseries' }) },
    'GET /api/metrics/table': { ok: [200], probe: () => ({ path: '/api/metrics/table?by=district' }) },
    'GET /api/metrics/export.csv': { ok: [200], probe: () => ({ path: '/api/metrics/export.csv?by=district' }) },
    'GET /api/hotspots': { ok: [200], probe: () => ({ path: '/api/hotspots' }) },
    'GET /api/deadline-requests': { ok: [200], probe: () => ({ path: '/api/deadline-requests' }) },
    // The probe cases are resolved: a request to stop their clock is refused by the rules, past the gate.
    'POST /api/incidents/:id/deadline-requests': {
      ok: [422],
      probe: (t) => ({ path: `/api/incidents/${w.incident[t]}/deadline-requests`, body: { kind: 'extension', minutes: 60, reason: 'matrix' } }),
    },
    'POST /api/deadline-requests/:id/decision': { ok: [404], probe: () => ({ path: '/api/deadline-requests/no-such-request/decision', body: { approve: true, note: 'matrix' } }) },
    'POST /api/incidents/:id/resume': { ok: [422], probe: (t) => ({ path: `/api/incidents/${w.incident[t]}/resume`, body: {} }) },
    'GET /api/admin/deadline-profiles': { ok: [200], probe: () => ({ path: '/api/admin/deadline-profiles' }) },
    'PUT /api/admin/deadline-profiles': {
      ok: [200],
      probe: async () => ({ path: '/api/admin/deadline-profiles', body: { profiles: (await getJson(server.url, '/api/admin/deadline-profiles', { cookie: cookies.admin })).body.profiles } }),
    },
    'GET /api/audit': { ok: [200], probe: (t) => ({ path: `/api/audit?entity=incident&id=${w.incident[t]}` }) },
    'GET /api/admin/users': { ok: [200], probe: () => ({ path: '/api/admin/users' }) },
    'POST /api/admin/users': {
      ok: [201],
      probe: () => ({ path: '/api/admin/users', body: { username: `matrix${(n += 1)}`, password: 'long enough', role: 'operator', displayName: 'Matrix' } }),
    },
    'PATCH /api/admin/users/:id': { ok: [200], probe: async () => ({ path: `/api/admin/users/${await throwawayUser()}`, body: { displayName: 'Renamed' } }) },
    'POST /api/admin/users/:id/password': { ok: [200], probe: async () => ({ path: `/api/admin/users/${await throwawayUser()}/password`, body: { password: 'another one' } }) },
    'GET /api/admin/api-keys': { ok: [200], probe: () => ({ path: '/api/admin/api-keys' }) },
    'POST /api/admin/api-keys': { ok: [201], probe: () => ({ path: '/api/admin/api-keys', body: { name: 'matrix' } }) },
    'DELETE /api/admin/api-keys/:id': {
      ok: [200],
      probe: async () => ({ path: `/api/admin/api-keys/${(await server.auth.issueApiKey('matrix', 'test', new Date())).id}` }),
    },
    'GET /api/admin/sessions': { ok: [200], probe: () => ({ path: '/api/admin/sessions' }) },
    'DELETE /api/admin/sessions/:id': {
      ok: [200],
      probe: async () => {
        const id = await throwawayUser();
        const user = (await server.store.getUser(id))!;
        await login(server.url, user.username, 'matrix-password');
        const session = (await server.store.listSessions()).find((s) => s.userId === id)!;
        return { path: `/api/admin/sessions/${session.id}` };
      },
    },
  };

  async function throwawayUser(): Promise<string> {
    n += 1;
    const user = await server.auth.createUser({ username: `tmp${n}`, password: 'matrix-password', role: 'operator', displayName: 'Tmp' }, new Date().toISOString());
    return user.id;
  }

  beforeAll(async () => {
    // Many sign-ins from one address: the per-address sign-in limit is tested on its own elsewhere.
    server = await startTestServer({ security: { ...testConfig('.').security, loginRatePerMin: 10_000 } });
    for (const role of ROLES) cookies[role] = await login(server.url, role);
    const me = (await getJson(server.url, '/api/auth/me', { cookie: cookies.officer })).body.user;
    w.district = me.districtId;
    const here = server.city.addresses.find((a) => a.districtId === me.districtId)!;
    const away = server.city.addresses.find((a) => a.districtId !== me.districtId)!;
    const colleague = server.city.units.find((u) => u.homeDistrictId === away.districtId && u.status === 'available')!;
    const sensorHere = server.city.sensors.find((s) => s.districtId === me.districtId)!;
    const sensorAway = server.city.sensors.find((s) => s.districtId !== me.districtId)!;
    const call = (place: typeof here, i: number) => ({
      source: 'hotline',
      sourceEventId: `matrix-call-${i}`,
      occurredAt: new Date().toISOString(),
      payload: { callId: `matrix-${i}`, caller: { name: `来电人${i}`, phone: `1390000000${i}` }, text: `matrix call ${i}`, location: place.location, wantsCallback: true },
    });
    const [own, other] = (await ingest(server.url, [call(here, 1), call(away, 2)])).body.results.map((r: { incidentId: string }) => r.incidentId);
    const dispatch = async (id: string, unitId: string) => {
      await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'low' }, { cookie: cookies.dispatcher });
      const res = await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'dispatch', version: 2, unitId, reason: 'matrix' }, { cookie: cookies.dispatcher });
      expect(res.status).toBe(200);
      return (await getJson(server.url, `/api/incidents/${id}`, { cookie: cookies.dispatcher })).body;
    };
    const ownDetail = await dispatch(own, me.unitId);
    const otherDetail = await dispatch(other, colleague.id);
    // Evidence photos: the officer's on the own case, the dispatcher's on the other.
    const resolveWithPhoto = async (task: { id: string; version: number }, cookie: string) => {
      const upload = await fetch(`${server.url}/api/photos`, { method: 'POST', headers: { cookie, 'content-type': 'image/png' }, body: new Uint8Array(PNG) });
      const photo = ((await upload.json()) as { id: string }).id;
      const accepted = await postJson(server.url, `/api/tasks/${task.id}/actions`, { action: 'accept', version: task.version }, { cookie });
      const resolved = await postJson(server.url, `/api/tasks/${task.id}/actions`, { action: 'resolve', version: accepted.body.version, photo }, { cookie });
      expect(resolved.status).toBe(200);
      return photo;
    };
    w.incident = { own, other };
    w.task = { own: ownDetail.tasks[0].id, other: otherDetail.tasks[0].id };
    w.unit = { own: me.unitId, other: colleague.id };
    w.sensor = { own: sensorHere.id, other: sensorAway.id };
    w.photo = { own: await resolveWithPhoto(ownDetail.tasks[0], cookies.officer), other: await resolveWithPhoto(otherDetail.tasks[0], cookies.dispatcher) };
    w.callerEvent = { own: ownDetail.callers[0].eventId, other: otherDetail.callers[0].eventId };
  });
  afterAll(async () => {
    await server?.close();
  });

  it('every registered route has exactly one policy row, and every row a registered route and a probe', () => {
    const registered = registeredRoutes(server.app).map((r) => `${r.method} ${r.path}`);
    const rows = ROUTE_POLICY.map((r) => `${r.method} ${r.path}`);
    expect(registered.filter((r) => !rows.includes(r)), 'routes with no policy row').toEqual([]);
    // The client shell is registered only when a built client is served.
    expect(rows.filter((r) => r !== 'GET *' && !registered.includes(r)), 'policy rows with no route').toEqual([]);
    expect(new Set(rows).size).toBe(rows.length);
    expect(rows.filter((r) => r !== 'GET *' && !probes[r]), 'policy rows with no probe in this test').toEqual([]);
    // The gate resolves each row's own path to that row.
    for (const row of ROUTE_POLICY.filter((r) => r.path !== '*')) {
      const concrete = row.path.replace(/:(\w+)/g, 'x1');
      expect(routePolicyFor(row.method, concrete), `${row.method} ${row.path}`).toBe(row);
    }
  });

  const expectation = (row: RoutePolicy, who: Who, target: Target, ok: number[]): number[] => {
    if (row.access === 'public') return ok;
    if (who === 'anonymous') return [401];
    const scope = grantOf(who, row.permission!);
    if (!scope) return [403];
    // Officers' scoped grants: their district's objects, their own unit's tasks and position.
    if (scope !== 'all' && target === 'other' && row.path.includes(':')) return [404];
    return ok;
  };

  describe.each(ROUTE_POLICY.filter((r) => r.path !== '*').map((r) => [`${r.method} ${r.path}`, r] as const))('%s', (key, row) => {
    it('answers each role as the table says, for its own district and another', async () => {
      const mismatches: string[] = [];
      for (const who of [...ROLES, 'anonymous'] as Who[]) {
        for (const target of ['own', 'other'] as Target[]) {
          const { ok, probe } = probes[key]!;
          const request = await probe(target);
          const res = await send(row.method, request, who);
          const want = expectation(row, who, target, ok);
          if (!want.includes(res.status)) mismatches.push(`${who}/${target}: got ${res.status}, want ${want.join('|')}: ${res.text.slice(0, 160)}`);
          // A refusal carries the error and nothing else.
          if (row.access !== 'public' && [401, 403, 404].includes(res.status)) {
            const keys = Object.keys(JSON.parse(res.text) as object);
            if (keys.join() !== 'error') mismatches.push(`${who}/${target}: refusal carries ${keys.join()}`);
            for (const id of [w.incident.other, w.task.other]) if (res.text.includes(id) && !request.path.includes(id)) mismatches.push(`${who}/${target}: refusal names ${id}`);
          }
          // Nothing about the other district reaches an officer's list.
          if (who === 'officer' && row.access !== 'public' && res.status === 200 && row.method === 'GET' && !row.path.includes(':')) {
            for (const id of [w.incident.other, w.task.other, w.sensor.other, w.unit.other]) {
              if (res.text.includes(`"${id}"`)) mismatches.push(`officer list ${row.path} leaks ${id}`);
            }
          }
        }
      }
      expect(mismatches).toEqual([]);
    });
  });

  it('every socket event a connection handles has a policy row, and is refused to roles without it', async () => {
    const handled = new Set<string>();
    const clients: LiveClient[] = [];
    try {
      for (const role of ROLES) {
        const c = new LiveClient(server.url, cookies[role]);
        clients.push(c);
        await c.until(() => c.snapshots.length === 1, `${role} snapshot`);
      }
      for (const socket of server.live.sockets.values()) {
        for (const name of socket.eventNames()) if (!['disconnect', 'disconnecting', 'error'].includes(String(name))) handled.add(String(name));
      }
      expect([...handled].filter((e) => !SOCKET_POLICY[e]), 'socket events with no policy row').toEqual([]);
      expect(Object.keys(SOCKET_POLICY).filter((e) => !handled.has(e)), 'policy rows with no handler').toEqual([]);

      const probesByEvent: Record<string, (c: LiveClient) => Promise<unknown>> = {
        resume: (c) => c.socket.timeout(5000).emitWithAck('resume', { lastSeq: c.lastSeq() }),
        'presence:view': (c) =>
          // No ack in the protocol: a refusal is acknowledged; an accepted view is announced.
          new Promise((resolve, reject) => {
            const before = c.presence.length;
            const emit = c.socket.emit as unknown as (e: string, body: unknown, ack: (r: unknown) => void) => void;
            emit.call(c.socket, 'presence:view', { incidentId: w.incident.own }, resolve);
            c.until(() => c.presence.slice(before).some((p) => p.incidentId === w.incident.own), 'presence').then(() => resolve({ ok: true }), reject);
          }),
      };
      for (const [i, role] of ROLES.entries()) {
        for (const [event, permission] of Object.entries(SOCKET_POLICY)) {
          const result = (await probesByEvent[event]!(clients[i]!)) as { ok: boolean; code?: string };
          if (grantOf(role, permission)) expect(result.ok, `${role} ${event}`).toBe(true);
          else expect(result, `${role} ${event}`).toMatchObject({ ok: false, code: 'forbidden' });
        }
        // Events outside the table are dropped with a typed refusal; clients join no room by asking.
        const raw = clients[i]!.socket.timeout(5000) as unknown as { emitWithAck(e: string, ...args: unknown[]): Promise<unknown> };
        const unknown = await raw.emitWithAck('join', 'scope:city');
        expect(unknown).toMatchObject({ ok: false, code: 'bad_request' });
      }
    } finally {
      for (const c of clients) c.close();
    }
  });
});
