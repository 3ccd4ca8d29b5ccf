import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_PLACE, getJson, ingest, login, patrolReport, startTestServer } from '../testing/harness.ts';
import { yesterdayMetrics } from './metrics.ts';

describe('yesterday at the same time (pure)', () => {
  it('places yesterday’s per-minute counts in local hours and rounds medians', () => {
    const y = yesterdayMetrics(
      { newToday: 4, callsToday: 2, dispatchMinutes: [3, 4, 10.04], arriveMinutes: [], createdPerMinute: [{ minute: '2026-11-21T14:05:00.000Z', count: 3 }, { minute: '2026-11-22T05:59:00.000Z', count: 1 }] },
      'America/Chicago',
    );
    expect(y).toMatchObject({ newToday: 4, callsToday: 2, medianDispatchMinutes: 4, medianArriveMinutes: null });
    expect(y.incidentsByHour[8]).toBe(3);
    expect(y.incidentsByHour[23]).toBe(1);
  });
});

describe('metrics summary carries yesterday', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('counts today’s work as yesterday’s when asked a day later, and nothing before it existed', async () => {
    const call = (n: number) => ({
      source: 'hotline',
      sourceEventId: `y-call-${n}`,
      occurredAt: new Date().toISOString(),
      payload: { callId: `y${n}`, caller: { name: '陈静', phone: '13700000000' }, text: '路灯不亮', location: SAMPLE_PLACE.location, wantsCallback: false },
    });
    await ingest(server.url, [patrolReport(), patrolReport(), call(1)]);
    const today = await server.metrics.compute();
    expect(today.yesterday).toMatchObject({ newToday: 0, callsToday: 0 });
    const tomorrow = await server.metrics.compute(new Date(Date.now() + 86_400_000 + 1000));
    expect(tomorrow.yesterday).toMatchObject({ newToday: 3, callsToday: 1, medianDispatchMinutes: null });
    expect(tomorrow.yesterday!.incidentsByHour.reduce((a, b) => a + b, 0)).toBe(3);
    // The HTTP summary states the same field.
    const body = (await getJson(server.url, '/api/metrics/summary', { cookie: await login(server.url, 'operator') })).body;
    expect(body.yesterday).toEqual(expect.objectContaining({ newToday: 0, incidentsByHour: expect.any(Array) }));
  });
});
