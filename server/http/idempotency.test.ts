import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineQueue, httpSender, type Sender } from '../../client/features/field/offlineQueue.ts';
import { SAMPLE_CATEGORY, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../testing/harness.ts';

function memoryStorage() {
  const data = new Map<string, string>();
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v) };
}

describe('field actions from a poor connection', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('are queued offline, sent once on reconnect, and a repeated key is answered without applying again', async () => {
    const [dispatcher, officer, supervisor] = (await Promise.all(['dispatcher', 'officer', 'supervisor'].map((u) => login(server.url, u)))) as [string, string, string];
    const me = (await getJson(server.url, '/api/auth/me', { cookie: officer })).body.user;
    const id = (await ingest(server.url, [patrolReport()])).body.results[0].incidentId;
    await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'high' }, { cookie: dispatcher });
    await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'dispatch', version: 2, unitId: me.unitId, reason: 'test' }, { cookie: dispatcher });
    const task = (await getJson(server.url, '/api/tasks?mine=1', { cookie: officer })).body.items.find((t: { incidentId: string }) => t.incidentId === id);

    let online = false;
    const real = httpSender(server.url, { headers: { cookie: officer } });
    const sends: string[] = [];
    const sender: Sender = async (action) => {
      if (!online) return 'retry';
      sends.push(action.key);
      return real(action);
    };
    const queue = new OfflineQueue(memoryStorage(), sender);
    const queued = queue.enqueue(task.id, { action: 'accept', version: task.version });
    await queue.flush();
    expect(queue.size).toBe(1);
    expect((await getJson(server.url, '/api/tasks?mine=1', { cookie: officer })).body.items.find((t: { id: string }) => t.id === task.id).status).toBe('assigned');

    online = true;
    await queue.flush();
    expect(queue.size).toBe(0);
    expect(sends).toEqual([queued.key]);

    // The answer was lost on the way back; the phone sends the same key again.
    const again = await postJson(server.url, `/api/tasks/${task.id}/actions`, { action: 'accept', version: task.version }, { cookie: officer, 'idempotency-key': queued.key });
    expect(again.status).toBe(200);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toMatchObject({ id: task.id, status: 'accepted', version: 2 });
    const audit = (await getJson(server.url, `/api/audit?entity=incident&id=${id}`, { cookie: supervisor })).body.items;
    expect(audit.filter((e: { action: string }) => e.action === 'accept')).toHaveLength(1);

    const badKey = await postJson(server.url, `/api/tasks/${task.id}/actions`, { action: 'arrive', version: 2 }, { cookie: officer, 'idempotency-key': 'no spaces allowed' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.error.details[0].path).toBe('Idempotency-Key');
  });
});
