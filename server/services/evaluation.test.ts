// Evaluation on a replayed fixture day: the day's calls and reports go through the real services
// at their own times, then the rates the API reports are compared with rates this test computes
// on its own from the raw records (timelines, tasks) and the fixture limits.

import fs from 'node:fs';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CityDay, type Generated } from '../ingest/cityDay.ts';
import { getJson, login, startTestServer } from '../testing/harness.ts';
import type { Actor, Category, Incident, Satisfaction, Task, TimelineEntry } from '../../shared/domain/types.ts';
import { median } from '../../shared/domain/time.ts';

// Categories whose limits are the fixture minutes (no working-time profile applies to them).
const CATEGORIES = ['municipal.roads.pothole', 'environment.sanitation.garbage', 'traffic.facilities.signal', 'municipal.lighting.out'];
const DAY_START = Date.parse('2026-11-23T14:00:00.000Z'); // Monday 08:00 in Chicago
const END = DAY_START + 12 * 3_600_000;
const MIN = 60_000;

const dispatcher: Actor = { id: 'eval-dispatcher', role: 'dispatcher' };
const supervisor: Actor = { id: 'eval-supervisor', role: 'supervisor' };
const operator: Actor = { id: 'eval-operator', role: 'operator' };

type Detail = Incident & { timeline: TimelineEntry[]; tasks: Task[] };

describe('evaluation on a replayed fixture day', () => {
  let clockMs = DAY_START;
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let limits: Map<string, Category['deadlinesMin']>;
  const ids: string[] = [];

  beforeAll(async () => {
    server = await startTestServer({ clock: () => new Date(clockMs), deadlineTickMs: 3_600_000 });
    const raw = JSON.parse(fs.readFileSync(path.join(server.config.cityDir, 'city/categories.json'), 'utf8')) as { categories: unknown[] };
    limits = new Map();
    const walk = (nodes: unknown[]) => {
      for (const n of nodes as (Category & { children?: unknown[] })[]) {
        if (n.children) walk(n.children);
        else limits.set(n.code, n.deadlinesMin);
      }
    };
    walk(raw.categories);

    const day = new CityDay({ seed: 11, categories: [...server.city.categories.values()], sensors: [], addresses: server.city.addresses, callsPerDay: 40_000, reportsPerDay: 30_000 });
    type Event = Exclude<Generated, { kind: 'reading' }>;
    const events: Event[] = [];
    while (events.length < 48) events.push(...day.next(9).filter((g): g is Event => g.kind !== 'reading'));

    const rng = seedrandom('evaluation-day');
    const int = (lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
    const units = (await server.store.listUnits()).map((u) => u.id);
    let unitIndex = 0;

    for (let i = 0; i < events.length; i += 1) {
      const g = events[i]!;
      let t = DAY_START + i * 9 * MIN;
      const at = () => new Date(t);
      const event =
        g.kind === 'call'
          ? { source: 'hotline', sourceEventId: g.id, occurredAt: at().toISOString(), payload: { callId: g.id, caller: g.caller, text: g.text, location: g.location, wantsCallback: true } }
          : { source: g.source, sourceEventId: g.id, occurredAt: at().toISOString(), payload: { category: g.category, text: g.text, location: g.location } };
      const [result] = await server.ingest.submit([event], at());
      const id = result?.incidentId;
      if (!id || ids.includes(id)) continue;
      ids.push(id);
      const act = async (req: Record<string, unknown>, actor = dispatcher) => {
        const current = (await server.store.getIncident(id))!;
        const outcome = await server.incidents.act(id, { ...req, version: current.version } as never, actor, at());
        if (!outcome.ok) throw new Error(`${String(req.action)}: ${JSON.stringify(outcome)}`);
      };
      const task = async (action: string, extra: Record<string, unknown> = {}) => {
        const open = (await server.store.tasksOf(id)).find((x) => ['assigned', 'accepted', 'on_scene'].includes(x.status))!;
        const outcome = await server.incidents.actOnTask(open.id, { action, version: open.version, ...extra } as never, dispatcher, at());
        if (!outcome.ok) throw new Error(`${action}: ${JSON.stringify(outcome)}`);
      };
      const dispatch = async () => act({ action: 'dispatch', unitId: units[unitIndex++ % units.length], reason: 'evaluation replay' });

      t += MIN;
      await act({ action: 'triage', category: CATEGORIES[i % CATEGORIES.length], severity: 'medium' });
      if (rng() < 0.1) continue; // left in the queue
      t += int(1, 30) * MIN;
      await dispatch();
      if (rng() < 0.15) {
        t += int(1, 5) * MIN;
        await task('return', { reason: '不属于本单位' });
        t += int(1, 10) * MIN;
        await dispatch();
      }
      if (rng() < 0.1) continue; // never accepted
      t += int(1, 70) * MIN;
      await task('accept');
      t += int(5, 60) * MIN;
      await task('arrive');
      t += int(10, 200) * MIN;
      await task('resolve', rng() < 0.7 ? { note: '已处置' } : {});
      t += int(5, 30) * MIN;
      if (rng() < 0.15) {
        await act({ action: 'verify', ok: false, note: '现场仍有问题' }, supervisor);
        continue;
      }
      await act({ action: 'verify', ok: true }, supervisor);
      if (g.kind === 'call') {
        t += int(5, 60) * MIN;
        // Some callbacks are asked whether the problem was solved; older ones were not.
        const asked = rng() < 0.7 ? { resolved: rng() < 0.6 } : {};
        await act({ action: 'rate', satisfaction: (['satisfied', 'basically_satisfied', 'dissatisfied'] as Satisfaction[])[int(0, 2)], ...asked }, operator);
      }
      if (rng() < 0.1) {
        t += 5 * MIN;
        await act({ action: 'reopen', reason: '群众再次反映' }, supervisor);
      }
    }
    clockMs = END + 6 * 3_600_000;
  }, 120_000);

  afterAll(async () => {
    await server.close();
  });

  it('reports the rates, stage times and counts the raw records give', async () => {
    const cookie = await login(server.url, 'supervisor');
    const details: Detail[] = [];
    for (const id of ids) details.push((await getJson(server.url, `/api/incidents/${id}`, { cookie })).body as Detail);
    expect(details.length).toBeGreaterThan(30);
    const now = clockMs;

    // Independently, from timelines, tasks and the fixture limits.
    const ratio = (n: number, d: number) => (d ? Math.round((n / d) * 10_000) / 10_000 : null);
    const entries = (d: Detail, to?: string, action?: string) => d.timeline.filter((e) => (!to || e.to === to) && (!action || e.action === action));
    const last = <T>(xs: T[]) => xs[xs.length - 1];
    const dispatched = details.filter((d) => entries(d, 'dispatched').length > 0);
    const acceptedInTime = dispatched.filter((d) => {
      const lastDispatch = last(entries(d, 'dispatched'))!;
      const accept = d.timeline.find((e) => e.action === 'accept' && e.at >= lastDispatch.at);
      return accept && (Date.parse(accept.at) - Date.parse(lastDispatch.at)) / MIN <= limits.get(d.category!)!.accept;
    });
    const callbacks = details.filter((d) => d.source === 'hotline' && entries(d, undefined, 'rate').length > 0);
    const answer = (d: Detail) => last(entries(d, undefined, 'rate'))!.note;
    const resolvedAnswers = callbacks.filter((d) => (typeof d.callbackResolved === 'boolean' ? d.callbackResolved : answer(d) !== 'dissatisfied'));
    const satisfied = callbacks.filter((d) => answer(d) === 'satisfied' || answer(d) === 'basically_satisfied');
    const others = dispatched.filter((d) => d.source !== 'hotline');
    const closedOthers = others.filter((d) => d.status === 'closed');
    // Every case closed the same day, well within five working days from its first dispatch.
    for (const d of closedOthers) expect(Date.parse(d.stageAt.closed!) - Date.parse(entries(d, 'dispatched')[0]!.at)).toBeLessThan(86_400_000);
    const reachedResolved = details.filter((d) => entries(d, 'resolved').length > 0);
    const reopened = reachedResolved.filter((d) => d.timeline.some((e) => e.action === 'reopen' || (e.action === 'verify' && e.to !== 'closed')));
    const returned = dispatched.filter((d) => entries(d, undefined, 'return').length > 0);
    const closed = details.filter((d) => d.status === 'closed');
    const withoutEvidence = closed.filter((d) => !d.timeline.some((e) => e.action === 'resolve' && e.note) && !d.tasks.some((x) => x.photoId));
    const stageStart = (d: Detail): [number, number] | null => {
      const lim = limits.get(d.category!)!;
      if (d.status === 'triaged') {
        const back = last(d.timeline.filter((e) => e.to === 'triaged' && e.action !== 'triage'));
        return [Date.parse(back?.at ?? d.createdAt), lim.dispatch];
      }
      if (d.status === 'dispatched') return [Date.parse(last(entries(d, 'dispatched'))!.at), lim.accept];
      return null;
    };
    const overdue = details.filter((d) => {
      const s = stageStart(d);
      return s !== null && s[0] + s[1] * MIN <= now;
    });
    const dispatchMinutes = dispatched.map((d) => (Date.parse(last(entries(d, 'dispatched'))!.at) - Date.parse(d.createdAt)) / MIN);
    const arriveMinutes = details
      .filter((d) => entries(d, 'on_scene').length && entries(d, 'accepted').length)
      .map((d) => (Date.parse(last(entries(d, 'on_scene'))!.at) - Date.parse(last(entries(d, 'accepted'))!.at)) / MIN);
    const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.ceil(0.9 * xs.length) - 1];

    // The case mix must exercise every formula.
    expect(acceptedInTime.length).toBeGreaterThan(0);
    expect(acceptedInTime.length).toBeLessThan(dispatched.length);
    expect(callbacks.length).toBeGreaterThan(2);
    expect(returned.length).toBeGreaterThan(0);
    expect(reopened.length).toBeGreaterThan(0);
    expect(withoutEvidence.length).toBeGreaterThan(0);
    expect(overdue.length).toBeGreaterThan(0);

    const q = `from=${new Date(DAY_START - 3_600_000).toISOString()}&to=${new Date(END + 3_600_000).toISOString()}`;
    const res = await getJson(server.url, `/api/metrics/summary?${q}`, { cookie });
    expect(res.status).toBe(200);
    const s = res.body;
    expect(s.evaluation.cases).toBe(details.length);
    expect(s.evaluation.dispatched).toBe(dispatched.length);
    expect(s.responseRate).toBe(ratio(acceptedInTime.length, dispatched.length));
    expect(s.resolutionRate).toBe(ratio(resolvedAnswers.length + closedOthers.length, callbacks.length + others.length));
    expect(s.satisfactionRate).toBe(ratio(satisfied.length, callbacks.length));
    expect(s.evaluation.reopenRate).toBe(ratio(reopened.length, reachedResolved.length));
    expect(s.evaluation.returnRate).toBe(ratio(returned.length, dispatched.length));
    expect(s.evaluation.noEvidenceRate).toBe(ratio(withoutEvidence.length, closed.length));
    expect(s.evaluation.overdue).toBe(overdue.length);
    expect(s.overdue).toBe(overdue.length);
    expect(s.medianDispatchMinutes).toBe(Math.round(median(dispatchMinutes)! * 10) / 10);
    expect(s.evaluation.stageMinutes.dispatch.p90).toBe(p90(dispatchMinutes));
    expect(s.medianArriveMinutes).toBe(Math.round(median(arriveMinutes)! * 10) / 10);
    expect(s.perTenThousand).toBeNull();
  });

  it('scopes a district, a unit and a category; an officer sees only their own district', async () => {
    const cookie = await login(server.url, 'supervisor');
    const q = `from=${new Date(DAY_START - 3_600_000).toISOString()}&to=${new Date(END + 3_600_000).toISOString()}`;
    const byDistrict = (await getJson(server.url, `/api/metrics/table?by=district&${q}`, { cookie })).body.rows as { key: string; cases: number; rank: number }[];
    expect(byDistrict.reduce((n, r) => n + r.cases, 0)).toBe(ids.length);
    expect(byDistrict.map((r) => r.rank)).toEqual(byDistrict.map((_, i) => i + 1));
    const top = byDistrict.sort((a, b) => b.cases - a.cases)[0]!;
    const scoped = (await getJson(server.url, `/api/metrics/summary?district=${top.key}&${q}`, { cookie })).body;
    expect(scoped.evaluation.cases).toBe(top.cases);
    const category = (await getJson(server.url, `/api/metrics/summary?category=municipal.roads&${q}`, { cookie })).body;
    const roads = (await Promise.all(ids.map((id) => server.store.getIncident(id)))).filter((i) => i!.category!.startsWith('municipal.roads.'));
    expect(roads.length).toBeGreaterThan(0);
    expect(category.evaluation.cases).toBe(roads.length);
    const unitId = roads.find((i) => i!.unitId)?.unitId;
    if (unitId) {
      const unit = (await getJson(server.url, `/api/metrics/summary?unit=${unitId}&${q}`, { cookie })).body;
      const held = (await Promise.all(ids.map((id) => server.store.tasksOf(id)))).filter((tasks) => tasks.some((x) => x.unitId === unitId));
      expect(unit.evaluation.cases).toBe(held.length);
    }

    const officer = await login(server.url, 'officer');
    const me = (await getJson(server.url, '/api/auth/me', { cookie: officer })).body.user;
    const own = (await getJson(server.url, `/api/metrics/summary?district=CA01&${q}`, { cookie: officer })).body;
    expect(own.scope.districtId).toBe(me.districtId);

    const bad = await getJson(server.url, '/api/metrics/summary?from=yesterday', { cookie });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('from');
    const reversed = await getJson(server.url, `/api/metrics/summary?from=${new Date(END).toISOString()}&to=${new Date(DAY_START).toISOString()}`, { cookie });
    expect(reversed.status).toBe(400);
  });

  it('gives the rates per hour of creation as a time series', async () => {
    const cookie = await login(server.url, 'supervisor');
    const from = new Date(DAY_START).toISOString();
    const to = new Date(END).toISOString();
    const res = await getJson(server.url, `/api/metrics/timeseries?bucket=hour&from=${from}&to=${to}`, { cookie });
    expect(res.status).toBe(200);
    const points = res.body.points as { at: string; cases: number; responseRate: number | null }[];
    expect(points).toHaveLength(12);
    expect(points[0]!.at).toBe(from);
    const created = await Promise.all(ids.map(async (id) => Date.parse((await server.store.getIncident(id))!.createdAt)));
    expect(points.map((p) => p.cases)).toEqual(points.map((p) => created.filter((c) => c >= Date.parse(p.at) && c < Date.parse(p.at) + 3_600_000).length));
    const days = await getJson(server.url, `/api/metrics/timeseries?bucket=day&from=${from}&to=${to}`, { cookie });
    // 08:00 to 20:00 on one Monday: one day, starting at its local midnight.
    expect(days.body.points.map((p: { at: string }) => p.at)).toEqual(['2026-11-23T06:00:00.000Z']);
    expect(days.body.points.reduce((n: number, p: { cases: number }) => n + p.cases, 0)).toBe(ids.length);
    expect((await getJson(server.url, `/api/metrics/timeseries?bucket=week`, { cookie })).status).toBe(400);
  });

  it('lists the hotspots of the month as the raw records count them', async () => {
    const cookie = await login(server.url, 'supervisor');
    const counts = new Map<string, number>();
    for (const id of ids) {
      const i = (await server.store.getIncident(id))!;
      if (i.source !== 'hotline' || !i.gridId || !i.category || i.status === 'merged') continue;
      const key = `${i.gridId}|${i.category}`;
      counts.set(key, (counts.get(key) ?? 0) + 1 + i.repeatCount);
    }
    const expected = [...counts].filter(([, n]) => n >= 2).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).slice(0, 10);
    expect(expected.length).toBeGreaterThan(0);
    const res = await getJson(server.url, '/api/hotspots', { cookie });
    expect(res.status).toBe(200);
    expect(res.body.items.map((h: { gridId: string; category: string; complaints: number }) => [`${h.gridId}|${h.category}`, h.complaints])).toEqual(expected);
  });

  it('exports a CSV that Excel opens as UTF-8, with Chinese headers and names', async () => {
    const cookie = await login(server.url, 'supervisor');
    const q = `from=${new Date(DAY_START - 3_600_000).toISOString()}&to=${new Date(END + 3_600_000).toISOString()}`;
    const res = await fetch(`${server.url}/api/metrics/export.csv?by=district&${q}`, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).slice(1);
    const [header, ...rows] = text.trim().split('\r\n');
    expect(header).toContain('响应率');
    expect(header).toContain('满意率');
    const table = (await getJson(server.url, `/api/metrics/table?by=district&${q}`, { cookie })).body.rows as { key: string }[];
    expect(rows).toHaveLength(table.length);
    const names = new Map(server.city.districts.features.map((f) => [f.properties.id, f.properties.nameZh]));
    expect(rows[0]!.split(',').slice(0, 2)).toEqual([table[0]!.key, names.get(table[0]!.key)]);
  });
});
