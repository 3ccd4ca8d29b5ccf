import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_CATEGORY, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../../testing/harness.ts';

// A real 1×1 PNG.
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
const JPEG_START = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]);

describe('field photos', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let officer: string;
  let dispatcher: string;

  beforeAll(async () => {
    server = await startTestServer();
    [officer, dispatcher] = (await Promise.all([login(server.url, 'officer'), login(server.url, 'dispatcher')])) as [string, string];
  });
  afterAll(async () => {
    await server.close();
  });

  const upload = (body: Buffer, type: string, cookie = officer) =>
    fetch(`${server.url}/api/photos`, { method: 'POST', headers: { 'content-type': type, cookie }, body: new Uint8Array(body) }).then(async (r) => ({ status: r.status, body: (await r.json()) as any }));

  /** A task for the officer's unit, dispatched and accepted. */
  async function acceptedTask() {
    const me = (await getJson(server.url, '/api/auth/me', { cookie: officer })).body.user;
    const id = (await ingest(server.url, [patrolReport()])).body.results[0].incidentId;
    await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'low' }, { cookie: dispatcher });
    await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'dispatch', version: 2, unitId: me.unitId, reason: 'test' }, { cookie: dispatcher });
    const task = (await getJson(server.url, '/api/tasks?mine=1', { cookie: officer })).body.items.find((t: { incidentId: string }) => t.incidentId === id);
    const accepted = await postJson(server.url, `/api/tasks/${task.id}/actions`, { action: 'accept', version: 1 }, { cookie: officer });
    return { incidentId: id as string, task: accepted.body };
  }

  it('refuses what is not an image of the declared type, or too large', async () => {
    expect((await upload(Buffer.from('hello'), 'text/plain')).body.error.details[0].path).toBe('Content-Type');
    expect((await upload(JPEG_START, 'image/png')).status).toBe(400);
    expect((await upload(Buffer.alloc(6 * 1024 * 1024, 0xff), 'image/jpeg')).status).toBe(413);
    expect((await upload(PNG, 'image/png', await login(server.url, 'auditor'))).status).toBe(403);
  });

  it('attaches an uploaded photo as evidence on resolve, and shows it only to those who may see the case', async () => {
    const uploaded = await upload(PNG, 'image/png');
    expect(uploaded.status).toBe(201);
    const photoId = uploaded.body.id as string;
    const { incidentId, task } = await acceptedTask();
    const resolved = await postJson(server.url, `/api/tasks/${task.id}/actions`, { action: 'resolve', version: task.version, note: '已修复', photo: photoId }, { cookie: officer });
    expect(resolved.body).toMatchObject({ status: 'resolved', photoId });
    const detail = await getJson(server.url, `/api/incidents/${incidentId}`, { cookie: dispatcher });
    expect(detail.body.tasks[0].photoId).toBe(photoId);

    const supervisor = await login(server.url, 'supervisor');
    const res = await fetch(`${server.url}/api/photos/${photoId}`, { headers: { cookie: supervisor } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);

    // An officer of another district gets nothing, as if it did not exist.
    const elsewhere = server.city.districts.features.find((d) => d.properties.id !== detail.body.districtId)!.properties.id;
    await server.auth.createUser({ username: 'officer2', password: 'pw-officer2', role: 'officer', displayName: 'Other officer', districtId: elsewhere, unitId: 'U999' }, new Date().toISOString());
    const other = await login(server.url, 'officer2', 'pw-officer2');
    expect((await fetch(`${server.url}/api/photos/${photoId}`, { headers: { cookie: other } })).status).toBe(404);

    // A photo is evidence of one case only.
    const second = await acceptedTask();
    const reuse = await postJson(server.url, `/api/tasks/${second.task.id}/actions`, { action: 'resolve', version: second.task.version, note: 'x', photo: photoId }, { cookie: officer });
    expect(reuse.status).toBe(404);
  });
});
