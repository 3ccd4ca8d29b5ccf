import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { SAMPLE_CATEGORY, SAMPLE_PLACE, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../testing/harness.ts';
import { cityMetrics } from './metrics.ts';

describe('cityMetrics (pure)', () => {
  it('places per-minute counts in local hours and rounds medians', () => {
    const m = cityMetrics(
      {
        openIncidents: 3, newToday: 3, callsToday: 1, activeAlarms: 0, sensorsTotal: 4, sensorsOnline: 3, unitsAvailable: 2, unitsBusy: 1,
        dispatchMinutes: [1, 2, 10], arriveMinutes: [],
        createdPerMinute: [{ minute: '2026-11-22T14:05:00.000Z', count: 2 }, { minute: '2026-11-22T15:59:00.000Z', count: 1 }],
      },
      '2026-11-22T16:00:00.000Z',
      'America/Chicago',
    );
    expect(m.incidentsByHour[8]).toBe(2);
    expect(m.incidentsByHour[9]).toBe(1);
    expect(m.medianDispatchMinutes).toBe(2);
    expect(m.medianArriveMinutes).toBeNull();
    expect(m.sensorsOnlinePct).toBe(75);
    expect(m.responseRate).toBeNull();
  });
});

describe('GET /api/metrics/summary', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('counts what was ingested today, and the time to dispatch', async () => {
    const call = (n: number) => ({
      source: 'hotline',
      sourceEventId: `m-call-${n}`,
      occurredAt: new Date().toISOString(),
      payload: { callId: `c${n}`, caller: { name: '陈静', phone: '13700000000' }, text: '路灯不亮', location: SAMPLE_PLACE.location, wantsCallback: false },
    });
    const res = await ingest(server.url, [patrolReport(), patrolReport(), patrolReport(), call(1), call(2)]);
    const operator = await login(server.url, 'operator');
    const before = (await getJson(server.url, '/api/metrics/summary', { cookie: operator })).body;
    // The summary may be the last pushed figures; compute afresh to compare.
    const fresh = await server.metrics.compute();
    expect(fresh).toMatchObject({ newToday: 5, callsToday: 2, openIncidents: 5, medianDispatchMinutes: null });
    expect(fresh.incidentsByHour.reduce((a, b) => a + b, 0)).toBe(5);
    expect(Object.keys(before)).toEqual(expect.arrayContaining(['openIncidents', 'newToday', 'overdue', 'callsToday', 'activeAlarms', 'sensorsOnlinePct', 'unitsAvailable', 'unitsBusy', 'medianDispatchMinutes', 'medianArriveMinutes', 'responseRate', 'resolutionRate', 'satisfactionRate']));

    const dispatcher = await login(server.url, 'dispatcher');
    const id = res.body.results[0].incidentId;
    await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'low' }, { cookie: dispatcher });
    const unitId = server.city.units.find((u) => u.status === 'available')!.id;
    await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'dispatch', version: 2, unitId, reason: 'test' }, { cookie: dispatcher });
    const after = await server.metrics.compute();
    expect(after.medianDispatchMinutes).not.toBeNull();
    expect(after.unitsBusy).toBe(1);
  });

  it('states today across the city as the stream last did, and computes anything narrower or stale', async () => {
    server.metrics.stop();
    const operator = await login(server.url, 'operator');
    const pushed = await server.metrics.refresh();
    await ingest(server.url, [patrolReport()]);
    // Not yet refreshed: the plain summary still says what every screen was last told…
    const plain = (await getJson(server.url, '/api/metrics/summary', { cookie: operator })).body;
    expect(plain).toMatchObject({ openIncidents: pushed.openIncidents, newToday: pushed.newToday, at: pushed.at, scope: { to: pushed.at } });
    // …with the rates behind them (recomputed at most every 30 s), not counted again now.
    const scope = server.metrics.scopeFor({ role: 'operator' } as never, {});
    expect(plain.evaluation).toEqual(server.metrics.liveSummary(scope)!.evaluation);
    // …while a caller who names the range gets it counted now.
    const range = `from=${encodeURIComponent(plain.scope.from)}&to=${encodeURIComponent(new Date().toISOString())}`;
    const counted = (await getJson(server.url, `/api/metrics/summary?${range}`, { cookie: operator })).body;
    expect(counted.openIncidents).toBe(pushed.openIncidents + 1);
    expect(counted.evaluation.cases).toBe(pushed.newToday + 1);
    // The next refresh pushes the new figure, and the plain summary follows it.
    await server.metrics.refresh();
    expect((await getJson(server.url, '/api/metrics/summary', { cookie: operator })).body.openIncidents).toBe(pushed.openIncidents + 1);
    // Figures no refresh has confirmed for three periods are not stated as now.
    expect(server.metrics.liveSummary(scope)).not.toBeNull();
    expect(server.metrics.liveSummary(scope, new Date(Date.now() + 6_500))).toBeNull();
    expect(server.metrics.liveSummary({ ...scope, districtId: 'CA01' })).toBeNull();
  });
});

describe('the plain summary on a busy server', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let late = 0;
  beforeAll(async () => {
    server = await startTestServer({ clock: () => new Date(Date.now() + late) });
    server.metrics.stop();
  });
  afterAll(async () => {
    await server.close();
  });

  it('waits for one refresh that callers share, instead of each computing beside it', async () => {
    const operator = await login(server.url, 'operator');
    const pushed = await server.metrics.refresh();
    await ingest(server.url, [patrolReport()]);
    // No refresh has confirmed the figures for longer than three periods.
    late = 7_000;
    const scope = server.metrics.scopeFor({ role: 'operator' } as never, {});
    expect(server.metrics.liveSummary(scope)).toBeNull();
    const reads = vi.spyOn(server.store, 'metricsInputs');
    const answers = await Promise.all([1, 2, 3].map(() => getJson(server.url, '/api/metrics/summary', { cookie: operator })));
    expect(reads).toHaveBeenCalledTimes(1);
    reads.mockRestore();
    for (const { status, body } of answers) {
      expect(status).toBe(200);
      expect(body.openIncidents).toBe(pushed.openIncidents + 1);
      expect(Date.parse(body.at)).toBeGreaterThan(Date.parse(pushed.at) + 6_000);
    }
    // The refresh they waited for was pushed: the stream states the same figures.
    expect(server.metrics.liveSummary(scope)).toMatchObject({ openIncidents: pushed.openIncidents + 1, at: answers[0]!.body.at });
  });
});
