import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CATEGORY, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../testing/harness.ts';

describe("a unit's status follows its open tasks", () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let dispatcher: string;
  let officer: string;
  beforeAll(async () => {
    server = await startTestServer();
    [dispatcher, officer] = await Promise.all([login(server.url, 'dispatcher'), login(server.url, 'officer')]);
  });
  afterAll(async () => {
    await server.close();
  });

  const unitStatus = async (unitId: string) =>
    (await getJson(server.url, '/api/units', { cookie: dispatcher })).body.items.find((u: { id: string }) => u.id === unitId).status as string;

  async function dispatchTo(unitId: string): Promise<string> {
    const id = (await ingest(server.url, [patrolReport()])).body.results[0].incidentId as string;
    await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'medium' }, { cookie: dispatcher });
    const res = await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'dispatch', version: 2, unitId, reason: '属地网格员' }, { cookie: dispatcher });
    expect(res.status).toBe(200);
    const tasks = (await getJson(server.url, '/api/tasks?mine=1', { cookie: officer })).body.items;
    return tasks.find((t: { incidentId: string }) => t.incidentId === id).id as string;
  }

  it('stays busy while it holds another task, and is available once the last one is done', async () => {
    const unitId = (await getJson(server.url, '/api/auth/me', { cookie: officer })).body.user.unitId as string;
    const first = await dispatchTo(unitId);
    const second = await dispatchTo(unitId);
    expect(await unitStatus(unitId)).toBe('busy');

    const returned = await postJson(server.url, `/api/tasks/${first}/actions`, { action: 'return', version: 1, reason: '不属本单位' }, { cookie: officer });
    expect(returned.status).toBe(200);
    expect(await unitStatus(unitId)).toBe('busy');

    let version = 1;
    for (const action of ['accept', 'arrive', 'resolve'] as const) {
      const res = await postJson(server.url, `/api/tasks/${second}/actions`, { action, version, ...(action === 'resolve' ? { note: '已修复' } : {}) }, { cookie: officer });
      expect(res.status, action).toBe(200);
      version = res.body.version;
    }
    expect(await unitStatus(unitId)).toBe('available');
  });
});
