import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDayStart } from '../../shared/domain/time.ts';
import type { Incident } from '../../shared/domain/types.ts';
import { startTestServer } from '../testing/harness.ts';
import { DemoHistory, historyStart } from './demoHistory.ts';

type TestServer = Awaited<ReturnType<typeof startTestServer>>;
const HOUR = 3600_000;
const ZONE = 'America/Chicago';

async function allIncidents(server: TestServer): Promise<Incident[]> {
  const out: Incident[] = [];
  let cursor: string | undefined;
  do {
    const page = await server.store.listIncidents({ limit: 500, ...(cursor ? { cursor } : {}) });
    out.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return out;
}

function historyOf(server: TestServer, seed = 7): DemoHistory {
  return new DemoHistory(
    { ingest: server.ingest, incidents: server.incidents, store: server.store, city: server.city, deadlines: server.deadlines },
    { seed, timeZone: ZONE },
  );
}

describe("the demo city's past", () => {
  let server: TestServer;
  let history: DemoHistory;
  const now = new Date();
  const from = new Date(now.getTime() - 3 * HOUR);
  beforeAll(async () => {
    server = await startTestServer();
    history = historyOf(server);
    await history.play(from, now);
  });
  afterAll(async () => {
    await server.close();
  });

  it('begins at local midnight of the day before', () => {
    const start = historyStart(new Date('2026-11-22T15:00:00Z'), ZONE);
    expect(start.toISOString()).toBe('2026-11-21T06:00:00.000Z');
  });

  it('files cases at their own past times, with every planned step accepted', async () => {
    expect(history.stats.cases).toBeGreaterThan(10);
    expect(history.stats.refused).toBe(0);
    const incidents = await allIncidents(server);
    expect(incidents.length).toBe(history.stats.cases);
    for (const i of incidents) {
      expect(Date.parse(i.createdAt)).toBeGreaterThanOrEqual(from.getTime());
      expect(Date.parse(i.createdAt)).toBeLessThanOrEqual(now.getTime());
      for (const at of Object.values(i.stageAt)) expect(Date.parse(at)).toBeLessThanOrEqual(now.getTime());
    }
    // Some of the past is already closed; some is still under way.
    expect(incidents.some((i) => i.status === 'closed')).toBe(true);
    expect(history.stats.pending).toBeGreaterThan(0);
  });

  it("gives the vital signs the past's own counts", async () => {
    const metrics = await server.metrics.compute(now);
    const dayStart = localDayStart(now.toISOString(), ZONE);
    const incidents = await allIncidents(server);
    expect(metrics.newToday).toBe(incidents.filter((i) => i.createdAt >= dayStart).length);
    expect(metrics.incidentsByHour.reduce((a, b) => a + b, 0)).toBe(metrics.newToday);
    const open = incidents.filter((i) => !['closed', 'rejected', 'merged'].includes(i.status)).length;
    expect(metrics.openIncidents).toBe(open);
  });

  it("raises the past's sensor alarms at their own times, each opening a case the staff then handles, and clears them", async () => {
    const alarms = (await server.store.snapshot(from.toISOString(), 100_000)).alarms;
    // An anomaly about every 15 minutes: over three hours, some alarms, not one per sensor.
    expect(alarms.length).toBeGreaterThan(2);
    expect(alarms.length).toBeLessThan(40);
    const incidents = new Map((await allIncidents(server)).map((i) => [i.id, i]));
    for (const alarm of alarms) {
      expect(Date.parse(alarm.raisedAt)).toBeGreaterThanOrEqual(from.getTime());
      expect(Date.parse(alarm.raisedAt)).toBeLessThanOrEqual(now.getTime());
      if (alarm.clearedAt) expect(alarm.clearedAt > alarm.raisedAt).toBe(true);
      const opened = incidents.get(alarm.incidentId!);
      expect(opened).toMatchObject({ source: 'sensor', createdAt: alarm.raisedAt });
    }
    // Most episodes are over by now; their cases went to the staff like any other.
    expect(alarms.filter((a) => a.status === 'cleared').length).toBeGreaterThan(alarms.length / 2);
    expect(alarms.some((a) => incidents.get(a.incidentId!)!.status !== 'new')).toBe(true);
  });

  it('finishes the cases under way in real time, and no unit is left holding one', async () => {
    // The slowest plan (late at every stage, then redone after a failed check) ends within a week.
    await history.runDue(new Date(now.getTime() + 7 * 24 * HOUR));
    expect(history.stats.pending).toBe(0);
    expect(history.stats.refused).toBe(0);
    const statuses = new Set((await allIncidents(server)).map((i) => i.status));
    // Handled cases end closed; the few nobody picked up are still new.
    expect([...statuses].every((s) => s === 'closed' || s === 'new')).toBe(true);
    expect((await server.store.listUnits()).filter((u) => u.status === 'busy')).toEqual([]);
    expect((await server.store.openTaskCounts()).size).toBe(0);
    // Returns went to arbitration and were upheld at their own time: none waits for a supervisor.
    const requests = await server.store.listDeadlineRequests({ limit: 1000 });
    expect(requests.filter((r) => r.status === 'pending')).toEqual([]);
    expect(requests.every((r) => r.kind === 'return' && r.status === 'approved' && r.decidedAt! >= r.requestedAt)).toBe(true);
  });

  it('is the same past for the same seed', async () => {
    const other = await startTestServer();
    try {
      await historyOf(other).play(from, now);
      const shape = (list: Incident[]) => list.map((i) => `${i.createdAt} ${i.source} ${i.title}`).sort();
      expect(shape(await allIncidents(other))).toEqual(shape(await allIncidents(server)));
    } finally {
      await other.close();
    }
  });
});
