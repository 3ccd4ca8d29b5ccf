import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient, getJson, ingest, login, postJson, startTestServer } from '../testing/harness.ts';

describe('sensor alarms through the ingest path', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const reading = (sensorId: string, metric: string, value: number, minutesAgo: number, tag = '') => ({
    source: 'sensor',
    sourceEventId: `${sensorId}-${minutesAgo}${tag}`,
    occurredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
    payload: { sensorId, metric, value },
  });

  it('raises one alarm after the dwell time, opens an incident on its own, and marks it for verification when it clears', async () => {
    const sensor = server.city.sensors.find((s) => s.kind === 'water_level' && s.rule.dwellSec >= 60)!;
    const high = sensor.rule.alarm + 5;
    const live = new LiveClient(server.url, await login(server.url, 'operator'));
    await live.until(() => live.snapshots.length === 1, 'snapshot');

    // One spike: nothing. Then three minutes above the threshold, sent concurrently: one alarm.
    await ingest(server.url, [reading(sensor.id, sensor.metric, high, 10), reading(sensor.id, sensor.metric, 1, 9)]);
    const answers = await Promise.all([
      ingest(server.url, [reading(sensor.id, sensor.metric, high, 8)]),
      ingest(server.url, [reading(sensor.id, sensor.metric, high, 7)]),
      ingest(server.url, [reading(sensor.id, sensor.metric, high, 6)]),
      ingest(server.url, [reading(sensor.id, sensor.metric, high, 5)]),
    ]);
    await live.until(() => live.facts().some((c) => c.type === 'alarm' && c.alarm.sensorId === sensor.id), 'the alarm');
    const raised = live.facts().filter((c) => c.type === 'alarm' && c.alarm.status === 'raised');
    expect(raised).toHaveLength(1);
    const alarm = raised[0]!.type === 'alarm' ? raised[0]!.alarm : null;
    expect(alarm?.incidentId).toBeTruthy();
    // The reading that raised it answers with the case it opened, as a call does; the others with none.
    const opened = answers.flatMap((a) => (a.body.results as { incidentId?: string }[]).map((r) => r.incidentId).filter(Boolean));
    expect(opened).toEqual([alarm!.incidentId]);

    const dispatcher = await login(server.url, 'dispatcher');
    // Acknowledged by a person: on the stream, audited; it stays active until the sensor clears.
    const ack = await postJson(server.url, `/api/alarms/${alarm!.id}/acknowledge`, {}, { cookie: dispatcher });
    expect(ack.body).toMatchObject({ id: alarm!.id, status: 'acknowledged' });
    expect((await postJson(server.url, `/api/alarms/${alarm!.id}/acknowledge`, {}, { cookie: dispatcher })).status).toBe(422);
    await live.until(() => live.facts().some((c) => c.type === 'alarm' && c.alarm.status === 'acknowledged'), 'acknowledged');
    const incident = (await getJson(server.url, `/api/incidents/${alarm!.incidentId}`, { cookie: dispatcher })).body;
    expect(incident).toMatchObject({ source: 'sensor', status: 'new', gridId: sensor.gridId });
    expect(server.city.categories.get(incident.category)!.sensorMetrics).toContain(sensor.metric);

    // Back below `clear` for the dwell time: the alarm clears, the incident stays open, marked to verify.
    const low = sensor.rule.clear - 5;
    await ingest(server.url, [reading(sensor.id, sensor.metric, low, 4), reading(sensor.id, sensor.metric, low, 3), reading(sensor.id, sensor.metric, low, 2), reading(sensor.id, sensor.metric, low, 1)]);
    await live.until(() => live.facts().some((c) => c.type === 'alarm' && c.alarm.status === 'cleared'), 'cleared');
    const after = (await getJson(server.url, `/api/incidents/${alarm!.incidentId}`, { cookie: dispatcher })).body;
    expect(after.status).toBe('new');
    expect(after.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'alarm_cleared']);
    live.close();

    // A screen that opens later still gets the day's alarm, cleared, for its alarms per hour.
    const later = new LiveClient(server.url, await login(server.url, 'operator'));
    await later.until(() => later.snapshots.length === 1, 'snapshot');
    expect(later.snapshots[0]!.alarms.filter((a) => a.sensorId === sensor.id).map((a) => [a.id, a.status])).toEqual([[alarm!.id, 'cleared']]);
    later.close();
  });

  it('marks a sensor that stopped reporting offline, and online again with its next reading', async () => {
    const sensor = server.city.sensors.find((s) => s.kind === 'noise')!;
    await ingest(server.url, [reading(sensor.id, sensor.metric, 50, 10, 'n')]);
    const offline = await server.sensorWatch.sweep(new Date());
    expect(offline).toContain(sensor.id);
    const operator = await login(server.url, 'operator');
    const list = (await getJson(server.url, '/api/sensors', { cookie: operator })).body.items;
    expect(list.find((s: { id: string }) => s.id === sensor.id).online).toBe(false);
    await ingest(server.url, [reading(sensor.id, sensor.metric, 51, 0, 'n')]);
    const again = (await getJson(server.url, '/api/sensors', { cookie: operator })).body.items;
    expect(again.find((s: { id: string }) => s.id === sensor.id).online).toBe(true);
    expect(await server.sensorWatch.sweep(new Date())).not.toContain(sensor.id);
  });
});

describe('GET /api/sensors/{id}/readings', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('returns minute buckets for short ranges and hourly ones for long ranges, and refuses nonsense', async () => {
    const sensor = server.city.sensors.find((s) => s.kind === 'pm25')!;
    // Whole minutes, so 0:00 and 0:30 share a bucket.
    const base = Math.floor((Date.now() - 3 * 3_600_000) / 60_000) * 60_000;
    const at = (min: number, sec = 0) => new Date(base + min * 60_000 + sec * 1000).toISOString();
    const events = [
      [0, 0, 10], [0, 30, 20], [1, 0, 30], [70, 0, 40],
    ].map(([min, sec, value]) => ({ source: 'sensor', sourceEventId: `pm-${min}-${sec}`, occurredAt: at(min!, sec), payload: { sensorId: sensor.id, metric: sensor.metric, value } }));
    await ingest(server.url, events);
    const operator = await login(server.url, 'operator');
    const minute = (await getJson(server.url, `/api/sensors/${sensor.id}/readings?from=${encodeURIComponent(at(-1))}&to=${encodeURIComponent(at(120))}`, { cookie: operator })).body;
    expect(minute.bucket).toBe('minute');
    expect(minute.points.map((p: { n: number; avg: number; min: number; max: number }) => [p.n, p.avg, p.min, p.max])).toEqual([[2, 15, 10, 20], [1, 30, 30, 30], [1, 40, 40, 40]]);
    const long = (await getJson(server.url, `/api/sensors/${sensor.id}/readings?from=${encodeURIComponent(new Date(base - 2 * 86_400_000).toISOString())}&to=${encodeURIComponent(at(120))}`, { cookie: operator })).body;
    expect(long.bucket).toBe('hour');
    expect(long.points.reduce((n: number, p: { n: number }) => n + p.n, 0)).toBe(4);
    const bad = await getJson(server.url, `/api/sensors/${sensor.id}/readings?from=yesterday`, { cookie: operator });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toBe('from');
    expect((await getJson(server.url, '/api/sensors/NOPE/readings', { cookie: operator })).status).toBe(404);
  });
});
