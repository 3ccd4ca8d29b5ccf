import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CATEGORY, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../../testing/harness.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('incident commands over HTTP', () => {
  let server: Server;
  let dispatcher: string;
  let officer: string;
  let supervisor: string;

  beforeAll(async () => {
    server = await startTestServer();
    [dispatcher, officer, supervisor] = await Promise.all([login(server.url, 'dispatcher'), login(server.url, 'officer'), login(server.url, 'supervisor')]);
  });
  afterAll(async () => {
    await server.close();
  });

  const newIncident = async () => (await ingest(server.url, [patrolReport()])).body.results[0].incidentId as string;
  const act = (id: string, body: unknown, cookie = dispatcher) => postJson(server.url, `/api/incidents/${id}/actions`, body, { cookie });

  it('signs in, says who is signed in, and refuses a wrong password', async () => {
    const me = await getJson(server.url, '/api/auth/me', { cookie: dispatcher });
    expect(me.body.user).toMatchObject({ username: 'dispatcher', role: 'dispatcher' });
    expect(me.body.user.passwordHash).toBeUndefined();
    const wrong = await postJson(server.url, '/api/auth/login', { username: 'dispatcher', password: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.code).toBe('unauthorized');
    const bad = await postJson(server.url, '/api/auth/login', { username: '' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual(['password', 'username']);
    expect((await getJson(server.url, '/api/auth/me')).status).toBe(401);
  });

  it('N concurrent dispatches of one incident: exactly one succeeds, the rest get 409', async () => {
    const id = await newIncident();
    const triaged = await act(id, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'high' });
    expect(triaged.status).toBe(200);
    const recs = await getJson(server.url, `/api/incidents/${id}/recommendations`, { cookie: dispatcher });
    const unitId = recs.body.items[0].unitId as string;
    const N = 8;
    const results = await Promise.all(Array.from({ length: N }, () => act(id, { action: 'dispatch', version: 2, unitId })));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([200, ...Array(N - 1).fill(409)]);
    for (const r of results.filter((x) => x.status === 409)) expect(r.body.error.details).toEqual({ currentVersion: 3 });
    const audit = await getJson(server.url, `/api/audit?entity=incident&id=${id}`, { cookie: supervisor });
    expect(audit.body.items.filter((e: { action: string }) => e.action === 'dispatch')).toHaveLength(1);
  });

  it('ranks units with their reasons, and asks why when the dispatcher overrides the first', async () => {
    const id = await newIncident();
    await act(id, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'high' });
    const recs = (await getJson(server.url, `/api/incidents/${id}/recommendations`, { cookie: dispatcher })).body.items;
    expect(recs.length).toBeGreaterThan(1);
    expect(recs[0].score).toBeGreaterThanOrEqual(recs[1].score);
    expect(Object.keys(recs[0].factors).sort()).toEqual(['distanceM', 'etaMin', 'openTasks', 'ownDistrict', 'skill', 'status']);
    const second = recs[1].unitId;
    const refused = await act(id, { action: 'dispatch', version: 2, unitId: second });
    expect(refused.status).toBe(422);
    expect(refused.body.error.details).toEqual({ rule: 'reason_required' });
    const ok = await act(id, { action: 'dispatch', version: 2, unitId: second, reason: 'closer crew is on a gas leak' });
    expect(ok.status).toBe(200);
    const audit = (await getJson(server.url, `/api/audit?entity=incident&id=${id}`, { cookie: supervisor })).body.items;
    expect(audit.find((e: { action: string }) => e.action === 'dispatch')).toMatchObject({ reason: 'closer crew is on a gas leak' });
  });

  it('merges a duplicate into its parent (count, linked reports) and splits it out again', async () => {
    const parentId = await newIncident();
    const childId = await newIncident();
    const dups = (await getJson(server.url, `/api/incidents/${childId}/duplicates`, { cookie: dispatcher })).body.items;
    expect(dups.map((d: { incidentId: string }) => d.incidentId)).toContain(parentId);
    const merged = await act(childId, { action: 'merge', version: 1, intoId: parentId });
    expect(merged.body).toMatchObject({ status: 'merged', parentId });
    const parent = (await getJson(server.url, `/api/incidents/${parentId}`, { cookie: dispatcher })).body;
    expect(parent).toMatchObject({ repeatCount: 1, version: 2 });
    expect(parent.events).toHaveLength(2);
    expect(parent.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'absorb']);
    expect((await act(childId, { action: 'split', version: 2 })).status).toBe(400);
    const split = await act(childId, { action: 'split', version: 2, reason: '不是同一处' });
    expect(split.body).toMatchObject({ status: 'triaged', parentId: null });
    expect((await getJson(server.url, `/api/incidents/${parentId}`, { cookie: dispatcher })).body).toMatchObject({ repeatCount: 0, version: 3 });

    // Nothing merges into a closed case.
    const closedId = await newIncident();
    await act(closedId, { action: 'reject', version: 1, reason: 'test' });
    const refused = await act(childId, { action: 'merge', version: 3, intoId: closedId });
    expect(refused.status).toBe(422);
    expect((await getJson(server.url, `/api/incidents/${childId}`, { cookie: dispatcher })).body.status).toBe('triaged');
  });

  it('answers a command the state forbids with 422 and the rule', async () => {
    const id = await newIncident();
    const res = await act(id, { action: 'close', version: 1 }, supervisor);
    expect(res.status).toBe(422);
    expect(res.body.error.details).toEqual({ rule: 'invalid_state' });
  });

  it('names the field of a malformed command', async () => {
    const id = await newIncident();
    const res = await act(id, { action: 'dispatch', version: 'one' });
    expect(res.status).toBe(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).toEqual(['version', 'unitId']);
  });

  it('walks one case around the loop: dispatch → officer accepts, arrives, resolves → supervisor closes', async () => {
    const me = (await getJson(server.url, '/api/auth/me', { cookie: officer })).body.user;
    const id = await newIncident();
    await act(id, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'medium' });
    const dispatched = await act(id, { action: 'dispatch', version: 2, unitId: me.unitId, reason: '属地网格员就近处置' });
    expect(dispatched.body).toMatchObject({ status: 'dispatched', unitId: me.unitId });

    const tasks = await getJson(server.url, '/api/tasks?mine=1', { cookie: officer });
    const task = tasks.body.items.find((t: { incidentId: string }) => t.incidentId === id);
    expect(task).toMatchObject({ status: 'assigned', version: 1 });
    let version = task.version;
    for (const action of ['accept', 'arrive', 'resolve'] as const) {
      const res = await postJson(server.url, `/api/tasks/${task.id}/actions`, { action, version, ...(action === 'resolve' ? { note: '已修复' } : {}) }, { cookie: officer });
      expect(res.status, action).toBe(200);
      version = res.body.version;
    }
    const closed = await act(id, { action: 'verify', version: 6, ok: true, note: '现场核实' }, supervisor);
    expect(closed.body).toMatchObject({ status: 'closed', version: 7 });
    const detail = await getJson(server.url, `/api/incidents/${id}`, { cookie: supervisor });
    expect(detail.body.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'triage', 'dispatch', 'accept', 'arrive', 'resolve', 'verify']);
  });

  it("keeps officers out of other districts' incidents (404) and out of desk commands (403)", async () => {
    const me = (await getJson(server.url, '/api/auth/me', { cookie: officer })).body.user;
    const away = server.city.addresses.find((a) => a.districtId !== me.districtId)!;
    const here = server.city.addresses.find((a) => a.districtId === me.districtId)!;
    await ingest(server.url, [patrolReport({ payload: { category: SAMPLE_CATEGORY, text: 'away', location: away.location } })]);
    await ingest(server.url, [patrolReport({ payload: { category: SAMPLE_CATEGORY, text: 'here', location: here.location } })]);
    const list = await getJson(server.url, '/api/incidents?limit=500', { cookie: officer });
    expect(list.body.items.length).toBeGreaterThan(0);
    expect(list.body.items.every((i: { districtId: string }) => i.districtId === me.districtId)).toBe(true);
    const elsewhere = (await getJson(server.url, '/api/incidents?limit=500', { cookie: dispatcher })).body.items.find(
      (i: { districtId: string }) => i.districtId !== me.districtId,
    );
    expect(elsewhere).toBeDefined();
    expect((await getJson(server.url, `/api/incidents/${elsewhere.id}`, { cookie: officer })).status).toBe(404);
    expect((await act(elsewhere.id, { action: 'reject', version: 1, reason: 'x' }, officer)).status).toBe(403);
  });
});
