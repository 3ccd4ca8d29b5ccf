import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient, SAMPLE_CATEGORY, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../testing/harness.ts';

describe("an officer's live stream", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("carries their district's incidents and only their own unit's tasks; nothing from elsewhere", async () => {
    const officerCookie = await login(server.url, 'officer');
    const dispatcher = await login(server.url, 'dispatcher');
    const me = (await getJson(server.url, '/api/auth/me', { cookie: officerCookie })).body.user;
    const here = server.city.addresses.find((a) => a.districtId === me.districtId)!;
    const away = server.city.addresses.find((a) => a.districtId !== me.districtId)!;
    const colleague = server.city.units.find((u) => u.id !== me.unitId && u.status === 'available')!;
    const officer = new LiveClient(server.url, officerCookie);
    await officer.until(() => officer.snapshots.length === 1, 'snapshot');

    const report = (place: typeof here) => patrolReport({ payload: { category: SAMPLE_CATEGORY, text: 'scope', location: place.location } });
    const [mine, theirs, elsewhere] = (await ingest(server.url, [report(here), report(here), report(away)])).body.results.map((r: { incidentId: string }) => r.incidentId);
    const dispatch = async (id: string, unitId: string) => {
      await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'low' }, { cookie: dispatcher });
      const res = await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'dispatch', version: 2, unitId, reason: 'test' }, { cookie: dispatcher });
      expect(res.status).toBe(200);
    };
    await dispatch(theirs, colleague.id);
    await dispatch(elsewhere, colleague.id);
    await dispatch(mine, me.unitId);

    await officer.until(() => officer.facts().some((c) => c.type === 'task' && c.task.incidentId === mine), 'own task');
    const facts = officer.facts();
    expect(facts.some((c) => c.type === 'incident' && c.incident.id === theirs)).toBe(true);
    expect(facts.filter((c) => c.type === 'task').every((c) => c.type === 'task' && c.task.unitId === me.unitId)).toBe(true);
    const frames = JSON.stringify(officer.batches);
    expect(frames).not.toContain(elsewhere);
    expect(frames).not.toContain('"type":"metrics"');
    officer.close();
  });

  it('also carries a case in another district once it is dispatched to their own unit, and its detail answers', async () => {
    const officerCookie = await login(server.url, 'officer');
    const dispatcher = await login(server.url, 'dispatcher');
    const me = (await getJson(server.url, '/api/auth/me', { cookie: officerCookie })).body.user;
    const away = server.city.addresses.find((a) => a.districtId !== me.districtId)!;
    const officer = new LiveClient(server.url, officerCookie);
    await officer.until(() => officer.snapshots.length === 1, 'snapshot');
    const id = (await ingest(server.url, [patrolReport({ payload: { category: SAMPLE_CATEGORY, text: 'across the line', location: away.location } })])).body.results[0].incidentId;
    expect((await getJson(server.url, `/api/incidents/${id}`, { cookie: officerCookie })).status).toBe(404);

    await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'low' }, { cookie: dispatcher });
    await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'dispatch', version: 2, unitId: me.unitId, reason: 'specialist crew' }, { cookie: dispatcher });
    await officer.until(() => officer.facts().some((c) => c.type === 'incident' && c.incident.id === id), 'the case their unit holds');
    expect((await getJson(server.url, `/api/incidents/${id}`, { cookie: officerCookie })).status).toBe(200);
    officer.close();
  });
});
