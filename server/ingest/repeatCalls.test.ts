import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, ingest, login, startTestServer } from '../testing/harness.ts';

describe('repeated hotline calls (重复来电)', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const call = (n: number, location: [number, number], text: string, categoryHint = 'municipal.drainage.waterlogging') => ({
    source: 'hotline',
    sourceEventId: `repeat-${n}`,
    occurredAt: new Date().toISOString(),
    payload: { callId: `r${n}`, caller: { name: `来电人${n}`, phone: `1390000000${n}` }, text, location, categoryHint, wantsCallback: true },
  });

  it('links a second call about the same thing to the open incident and counts it', async () => {
    const place = server.city.addresses[3]!;
    const far = server.city.addresses.find((a) => a.districtId !== place.districtId)!;
    const first = (await ingest(server.url, [call(1, place.location, '这个路口积水很深，车辆无法通行')])).body.results[0];
    const second = (await ingest(server.url, [call(2, [place.location[0] + 0.0002, place.location[1]], '路口积水很深，车都过不去了')])).body.results[0];
    const elsewhere = (await ingest(server.url, [call(3, far.location, '这个路口积水很深，车辆无法通行')])).body.results[0];
    expect(first).toMatchObject({ status: 'accepted' });
    expect(first.linked).toBeUndefined();
    expect(second).toMatchObject({ status: 'accepted', incidentId: first.incidentId, linked: true });
    expect(elsewhere.incidentId).not.toBe(first.incidentId);

    const dispatcher = await login(server.url, 'dispatcher');
    const detail = (await getJson(server.url, `/api/incidents/${first.incidentId}`, { cookie: dispatcher })).body;
    expect(detail).toMatchObject({ repeatCount: 1, version: 2 });
    expect(detail.events).toHaveLength(2);
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'repeat']);
    expect(JSON.stringify(detail)).not.toContain('来电人2');
    // Sending the linked call again is a duplicate that names the same incident.
    const again = (await ingest(server.url, [call(2, place.location, 'x')])).body.results[0];
    expect(again).toEqual({ sourceEventId: 'repeat-2', status: 'duplicate', incidentId: first.incidentId });
  });

  it('opens a new case when the earlier one was closed in between', async () => {
    const place = server.city.addresses[7]!;
    const first = (await ingest(server.url, [call(4, place.location, '井盖不见了很危险', 'municipal.manhole.missing')])).body.results[0];
    const dispatcher = await login(server.url, 'dispatcher');
    await fetch(`${server.url}/api/incidents/${first.incidentId}/actions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: dispatcher },
      body: JSON.stringify({ action: 'reject', version: 1, reason: '重复' }),
    });
    const later = (await ingest(server.url, [call(5, place.location, '井盖不见了很危险', 'municipal.manhole.missing')])).body.results[0];
    expect(later.incidentId).not.toBe(first.incidentId);
    expect(later.linked).toBeUndefined();
  });
});
