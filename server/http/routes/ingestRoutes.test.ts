import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_PLACE, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../../testing/harness.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('POST /api/ingest/events', () => {
  let server: Server;
  let dispatcher: string;

  beforeAll(async () => {
    server = await startTestServer();
    dispatcher = await login(server.url, 'dispatcher');
  });
  afterAll(async () => {
    await server.close();
  });

  const incidentCount = async () => {
    const res = await getJson(server.url, '/api/incidents?limit=500', { cookie: dispatcher });
    return res.body.items.length as number;
  };

  it('stores the same event once, however often it is sent', async () => {
    const event = patrolReport();
    const before = await incidentCount();
    const first = await ingest(server.url, [event]);
    const second = await ingest(server.url, [event, event]);
    expect(first.body.results[0]).toMatchObject({ sourceEventId: event.sourceEventId, status: 'accepted' });
    const incidentId = first.body.results[0].incidentId;
    expect(second.body.results).toEqual([
      { sourceEventId: event.sourceEventId, status: 'duplicate', incidentId },
      { sourceEventId: event.sourceEventId, status: 'duplicate', incidentId },
    ]);
    expect(await incidentCount()).toBe(before + 1);
  });

  it('stores the valid events of a mixed batch and names the field of each invalid one', async () => {
    const good1 = patrolReport();
    const good2 = patrolReport();
    const badPhone = {
      source: 'hotline',
      sourceEventId: 'bad-phone',
      occurredAt: new Date().toISOString(),
      payload: { callId: 'x', caller: { name: '李娜', phone: 'none' }, text: '噪音扰民', location: SAMPLE_PLACE.location, wantsCallback: false },
    };
    const outside = patrolReport({ sourceEventId: 'outside' });
    (outside.payload as { location: number[] }).location = [116.4, 39.9];
    const future = patrolReport({ sourceEventId: 'future', occurredAt: '2099-01-01T00:00:00.000Z' });
    const unknownSensor = { source: 'sensor', sourceEventId: 'ghost', occurredAt: new Date().toISOString(), payload: { sensorId: 'NOPE', metric: 'x', value: 1 } };
    const before = await incidentCount();

    const res = await ingest(server.url, [good1, badPhone, outside, good2, future, unknownSensor, 'not an event']);
    expect(res.status).toBe(200);
    const r = res.body.results;
    expect(r.map((x: { status: string }) => x.status)).toEqual(['accepted', 'rejected', 'rejected', 'accepted', 'rejected', 'rejected', 'rejected']);
    expect(r[1].error.details.map((d: { path: string }) => d.path)).toEqual(['payload.caller.phone']);
    expect(r[2].error).toMatchObject({ code: 'out_of_area', details: [{ path: 'payload.location' }] });
    expect(r[4].error.details[0].path).toBe('occurredAt');
    expect(r[5].error).toMatchObject({ code: 'unknown_sensor', details: [{ path: 'payload.sensorId' }] });
    expect(r[6]).toMatchObject({ sourceEventId: null, status: 'rejected' });
    expect(await incidentCount()).toBe(before + 2);
  });

  it('answers a body that is not JSON with 400, and keeps serving', async () => {
    const res = await postJson(server.url, '/api/ingest/events', '{"events": [', { authorization: 'Bearer demo-ingest-key' });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('bad_request');
    expect((await ingest(server.url, [patrolReport()])).status).toBe(200);
  });

  it('answers a body that is not the batch shape with 400 naming the field', async () => {
    const empty = await ingest(server.url, []);
    expect(empty.status).toBe(400);
    expect(empty.body.error.details[0].path).toBe('events');
    const tooMany = await ingest(server.url, Array.from({ length: 1001 }, () => ({})));
    expect(tooMany.status).toBe(400);
    const noEvents = await postJson(server.url, '/api/ingest/events', { items: [] }, { authorization: 'Bearer demo-ingest-key' });
    expect(noEvents.body.error.details[0].path).toBe('events');
  });

  it('answers a body over the limit with 413, and keeps serving', async () => {
    const huge = JSON.stringify({ events: [patrolReport({ payload: { text: 'x'.repeat(6 * 1024 * 1024) } })] });
    const res = await postJson(server.url, '/api/ingest/events', huge, { authorization: 'Bearer demo-ingest-key' });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('payload_too_large');
    expect((await ingest(server.url, [patrolReport()])).status).toBe(200);
  });

  it('needs an API key or a session that may report', async () => {
    const anon = await postJson(server.url, '/api/ingest/events', { events: [patrolReport()] });
    expect(anon.status).toBe(401);
    const badKey = await postJson(server.url, '/api/ingest/events', { events: [patrolReport()] }, { authorization: 'Bearer nope' });
    expect(badKey.status).toBe(401);
    const auditor = await login(server.url, 'auditor');
    const denied = await postJson(server.url, '/api/ingest/events', { events: [patrolReport()] }, { cookie: auditor });
    expect(denied.status).toBe(403);
    const byDispatcher = await postJson(server.url, '/api/ingest/events', { events: [patrolReport()] }, { cookie: dispatcher });
    expect(byDispatcher.body.results[0].status).toBe('accepted');
  });

  it('keeps the caller out of the incident and its linked events', async () => {
    const call = {
      source: 'hotline',
      sourceEventId: `call-${Date.now()}`,
      occurredAt: new Date().toISOString(),
      payload: { callId: 'c9', caller: { name: '赵敏', phone: '13912345678' }, text: '井盖缺失，很危险。', location: SAMPLE_PLACE.location, wantsCallback: true },
    };
    const res = await ingest(server.url, [call]);
    const id = res.body.results[0].incidentId;
    const detail = await getJson(server.url, `/api/incidents/${id}`, { cookie: dispatcher });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id, source: 'hotline', status: 'new', title: '井盖缺失，很危险。' });
    expect(JSON.stringify(detail.body)).not.toContain('13912345678');
    expect(JSON.stringify(detail.body)).not.toContain('赵敏');
    expect(detail.body.callers).toEqual([{ eventId: expect.any(Number), name: '赵*', phone: '139****5678' }]);
  });
});
