// C1, C2, C3, C5 (BENCHMARKS.md): the big screen in Chromium (software GL) against the real
// server in a child process, with a city of 10k incidents and 20k sensors and 2,000 events/s
// arriving. The designed client (buffer → one store flush per frame, map fed by id diffs on
// timers, charts at 1 Hz) and a naive baseline (one store update per change, full setData on
// every change) run one after the other in the same run, against the same server and load.
// A page that stops answering (the naive one can) is reported as such rather than hanging the run.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH, builtClient } from '../test/browser/browserHarness.ts';
import { FIXTURES_DIR, loadCityReference } from '../server/services/cityReference.ts';
import { startServerProcess, type ServerProcess } from '../server/testing/serverProcess.ts';
import { io, type Socket } from 'socket.io-client';
import { login } from '../server/testing/harness.ts';
import { LIVE_NAMESPACE, type ClientToServerEvents, type ServerToClientEvents } from '../shared/protocol/changes.ts';
import { heapFloorGrowth } from './heapGrowth.ts';
import { printHeapGrowth } from './heapSnapshotDiff.ts';
import { cpuShares, readThreadTicks } from './threadCpu.ts';
import { traceLongTasks, traceSelfTime, traceMeasures, type Trace } from './traceAnalysis.ts';
import { FLUSH_BUDGET_MS, SLOW_FLUSH, type PerfRecord } from '../client/features/perf/perfProbe.ts';

export interface ClientBenchOptions {
  /** Seconds of measured load per mode. */
  durationSec: number;
  warmupSec: number;
  incidents: number;
  sensors: number;
  eventsPerSec: number;
}

interface Dist {
  n: number;
  p50: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

function dist(values: number[]): Dist {
  const s = [...values].sort((a, b) => a - b);
  const at = (p: number) => (s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))]! : NaN);
  return { n: s.length, p50: at(0.5), p95: at(0.95), p99: at(0.99), max: s.length ? s[s.length - 1]! : NaN, mean: s.length ? s.reduce((a, b) => a + b, 0) / s.length : NaN };
}

/**
 * A copy of the demo city with `count` sensors (the fixtures' 2,000, cloned and spread a little),
 * and a day to dispatch any case: the bench opens its 10,000 cases within seconds, so with the
 * real limits (5–60 min) thousands of deadline lights would turn in the same second, bursts a
 * real city (whose cases arrive over the day) does not have. Deadline lights have their own tests.
 */
function benchCity(count: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-bench-'));
  fs.cpSync(FIXTURES_DIR, dir, { recursive: true });
  const file = path.join(dir, 'city/sensors.json');
  const data = JSON.parse(fs.readFileSync(file, 'utf8')) as { sensors: { id: string; location: [number, number] }[] };
  const base = data.sensors;
  data.sensors = Array.from({ length: count }, (_, i) => {
    const s = base[i % base.length]!;
    const j = Math.floor(i / base.length);
    return j === 0 ? s : { ...s, id: `${s.id}-${j}`, location: [s.location[0] + ((j * 37) % 11 - 5) * 0.0006, s.location[1] + ((j * 53) % 11 - 5) * 0.0005] as [number, number] };
  });
  fs.writeFileSync(file, JSON.stringify(data));
  const DAY_MIN = 24 * 60;
  const deadlinesFile = path.join(dir, 'city/deadlines.json');
  const deadlines = JSON.parse(fs.readFileSync(deadlinesFile, 'utf8')) as { profiles: { limits: Record<string, unknown> }[] };
  for (const profile of deadlines.profiles) profile.limits.dispatch = { amount: DAY_MIN, unit: 'minutes' };
  fs.writeFileSync(deadlinesFile, JSON.stringify(deadlines));
  const categoriesFile = path.join(dir, 'city/categories.json');
  const setDispatch = (node: { deadlinesMin?: { dispatch: number }; children?: unknown[] }): void => {
    if (node.deadlinesMin) node.deadlinesMin.dispatch = DAY_MIN;
    for (const child of node.children ?? []) setDispatch(child as typeof node);
  };
  const categories = JSON.parse(fs.readFileSync(categoriesFile, 'utf8')) as { categories: Parameters<typeof setDispatch>[0][] };
  categories.categories.forEach(setDispatch);
  fs.writeFileSync(categoriesFile, JSON.stringify(categories));
  return dir;
}

interface IngestResult {
  sourceEventId: string;
  status: string;
  incidentId?: string;
}

async function post(url: string, events: unknown[]): Promise<IngestResult[]> {
  const res = await fetch(`${url}/api/ingest/events`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' }, body: JSON.stringify({ events }) });
  if (!res.ok) throw new Error(`ingest ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { results: IngestResult[] }).results;
}

/** The event mix: mostly sensor readings (normal values), some patrol reports opening incidents. */
function makeLoad(cityDir: string) {
  const city = loadCityReference(cityDir);
  const categories = [...city.categories.keys()];
  const severities = ['critical', 'high', 'medium', 'low', 'medium', 'low', 'low'];
  let n = 0;
  const report = () => {
    n += 1;
    const place = city.addresses[(n * 7919) % city.addresses.length]!;
    return {
      source: 'patrol',
      sourceEventId: `bench-r-${process.pid}-${n}`,
      occurredAt: new Date().toISOString(),
      payload: { category: categories[n % categories.length]!, severity: severities[n % severities.length], text: `巡查 #${n}`, location: [place.location[0] + ((n % 13) - 6) * 0.0007, place.location[1] + ((n % 17) - 8) * 0.0006] },
    };
  };
  const reading = () => {
    n += 1;
    const s = city.sensors[(n * 31) % city.sensors.length]!;
    // Well inside the normal band: the load is telemetry, not a storm of alarms.
    const value = s.rule.direction === 'above' ? s.rule.warn * 0.3 * ((n % 10) / 10) : s.rule.warn * 2;
    return { source: 'sensor', sourceEventId: `bench-s-${process.pid}-${n}`, occurredAt: new Date().toISOString(), payload: { sensorId: s.id, metric: s.metric, value } };
  };
  return { report, reading };
}

/** The incidents the bench opened, with what a dispatcher needs to re-triage one. */
interface OpenCase {
  id: string;
  category: string;
  severity: string;
  version: number;
}

function casesOf(reports: ReturnType<ReturnType<typeof makeLoad>['report']>[], results: IngestResult[]): OpenCase[] {
  return results.flatMap((r, i) => (r.status === 'accepted' && r.incidentId ? [{ id: r.incidentId, category: reports[i]!.payload.category, severity: reports[i]!.payload.severity ?? 'low', version: 1 }] : []));
}

/**
 * A dispatcher re-triaging the city's incidents one after another (severity low ⇄ medium): an
 * incident change each time, for the screen's feed and map, without the city growing. A stale
 * version (the deadline scheduler changed the case meanwhile) is read back and tried once more.
 */
function triager(url: string, cookie: string, cases: OpenCase[]) {
  let next = 0;
  const headers = { 'content-type': 'application/json', cookie };
  const send = (c: OpenCase, severity: string) =>
    fetch(`${url}/api/incidents/${c.id}/actions`, { method: 'POST', headers, body: JSON.stringify({ action: 'triage', version: c.version, category: c.category, severity }) });
  return async (): Promise<boolean> => {
    const c = cases[next++ % cases.length]!;
    const severity = c.severity === 'low' ? 'medium' : 'low';
    let res = await send(c, severity);
    if (res.status === 409) {
      c.version = ((await (await fetch(`${url}/api/incidents/${c.id}`, { headers })).json()) as { version: number }).version;
      res = await send(c, severity);
    }
    if (!res.ok) return false;
    const updated = (await res.json()) as { version: number };
    c.version = updated.version;
    c.severity = severity;
    return true;
  };
}

/**
 * Drive `eventsPerSec` in 10 batches a second until stopped. The city keeps its size, as a
 * real one does over half an hour: readings; a dispatcher's triage of an existing incident for
 * one event in 400 (5 incident changes a second at 2,000 events/s); and a new report for one in
 * 10,000 (0.2/s, a large city's hotline and patrol rate; +360 incidents, 3.6%, in 30 minutes).
 */
function startLoad(url: string, load: ReturnType<typeof makeLoad>, eventsPerSec: number, triage: () => Promise<boolean>) {
  let stopped = false;
  let sent = 0;
  let failed = 0;
  let triaged = 0;
  let triageFailed = 0;
  const perTick = Math.round(eventsPerSec / 10);
  let tick = 0;
  const commands: Promise<void>[] = [];
  const loop = (async () => {
    let next = performance.now();
    while (!stopped) {
      const batch: unknown[] = [];
      for (let i = 0; i < perTick; i += 1) {
        tick += 1;
        if (tick % 10_000 === 0) batch.push(load.report());
        else if (tick % 400 === 0) commands.push(triage().then((ok) => void (ok ? (triaged += 1) : (triageFailed += 1)), () => void (triageFailed += 1)));
        else batch.push(load.reading());
      }
      try {
        await post(url, batch);
        sent += batch.length;
      } catch {
        failed += batch.length;
      }
      if (commands.length > 100) await Promise.all(commands.splice(0));
      next += 100;
      const wait = next - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      else next = performance.now();
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      await Promise.all(commands);
      return { sent, failed, triaged, triageFailed };
    },
  };
}

async function signedInPage(browser: Browser, url: string, query: string): Promise<{ page: Page; firstDataMs: number }> {
  const context = await browser.newContext({ viewport: { width: 1920, height: 1080 }, locale: 'zh-CN' });
  const res = await context.request.post(`${url}/api/auth/login`, { data: { username: 'operator', password: 'demo' } });
  if (!res.ok()) throw new Error(`login ${res.status()}`);
  const page = await context.newPage();
  const started = Date.now();
  await page.goto(`${url}/screen?${query}`);
  await page.waitForSelector('[data-testid="kpi-openIncidents"]:not([data-value=""])', { timeout: 120_000 });
  const firstDataMs = Date.now() - started;
  await page.waitForSelector('[data-testid="city-map"]:not([data-map-state="error"]) canvas', { timeout: 120_000 });
  await page.waitForFunction(() => performance.getEntriesByName('snapshot:applied').length > 0, undefined, { timeout: 120_000 });
  // Where the first load's time went, from the page's own timeline (ms since navigation).
  // (No named functions inside: the page has no `__name` helper that tsx's output would call.)
  const firstLoad = await page.evaluate(() => ({
    scriptsLoaded: Math.round(Math.max(0, ...(performance.getEntriesByType('resource') as PerformanceResourceTiming[]).filter((e) => e.name.endsWith('.js')).map((e) => e.responseEnd))),
    snapshotArrived: Math.round(performance.getEntriesByName('snapshot:arrived')[0]?.startTime ?? NaN),
    snapshotApplied: Math.round(performance.getEntriesByName('snapshot:applied')[0]?.startTime ?? NaN),
    // Each API request before the first data: when it was asked and when its answer ended.
    requests: (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
      .filter((e) => e.name.includes('/api/'))
      .map((e) => `${new URL(e.name).pathname} ${Math.round(e.startTime)}→${Math.round(e.responseEnd)}`),
  }));
  console.log(`first load (${query.split('&')[0]}): ${JSON.stringify({ ...firstLoad, firstDataSeenByBench: firstDataMs })}`);
  return { page, firstDataMs };
}

/** Evaluate in the page, or fail after `ms` (a page drowning in work may never answer). */
function within<T>(ms: number, work: Promise<T>): Promise<T> {
  return Promise.race([work, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`page did not answer within ${ms / 1000} s`)), ms))]);
}

async function heap(page: Page): Promise<{ heapMB: number; probeMB: number; domNodes: number }> {
  // Through the probe, so the frames the forced collection stops are set apart from the screen's.
  return within(60_000, page.evaluate(() => (window as unknown as { __perf: { heap(): { heapMB: number; probeMB: number; domNodes: number } } }).__perf.heap()));
}

/**
 * The heap of each of the page's workers (the map's tile worker, the heat worker) in MB, as used
 * and as live after a collection forced in the worker, largest first. The map's worker collects
 * its garbage on the same cores the page and the software rasteriser use (a trace showed its
 * marking threads busy during the long frames), so its heap is part of what a screen costs.
 */
async function workerHeaps(browser: Browser): Promise<{ url: string; usedMB: number; liveMB: number }[]> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const out: { url: string; usedMB: number; liveMB: number }[] = [];
    for (const t of targetInfos.filter((i) => i.type === 'worker')) {
      const { sessionId } = await cdp.send('Target.attachToTarget', { targetId: t.targetId, flatten: false });
      // The worker's own protocol, through the browser's session: one request at a time.
      let nextId = 0;
      const call = async <T>(method: string): Promise<T> => {
        const id = ++nextId;
        const reply = new Promise<T>((resolve) => {
          const on = (e: { sessionId?: string; message: string }) => {
            const m = JSON.parse(e.message) as { id?: number; result?: T };
            if (e.sessionId !== sessionId || m.id !== id) return;
            cdp.off('Target.receivedMessageFromTarget', on);
            resolve(m.result as T);
          };
          cdp.on('Target.receivedMessageFromTarget', on);
        });
        await cdp.send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method }) });
        return within(30_000, reply);
      };
      const { usedSize } = await call<{ usedSize: number }>('Runtime.getHeapUsage');
      await call('HeapProfiler.collectGarbage');
      const { usedSize: liveSize } = await call<{ usedSize: number }>('Runtime.getHeapUsage');
      await cdp.send('Target.detachFromTarget', { sessionId });
      out.push({ url: t.url.split('/').pop() ?? t.url, usedMB: Math.round(usedSize / 1048576), liveMB: Math.round(liveSize / 1048576) });
    }
    return out.sort((a, b) => b.usedMB - a.usedMB);
  } finally {
    await cdp.detach();
  }
}

/** The probe's sample lists, as `window.__perf.dump()` hands them over. */
type PerfDump = ReturnType<PerfRecord['dump']>;

async function runMode(browser: Browser, server: ServerProcess, load: ReturnType<typeof makeLoad>, triage: () => Promise<boolean>, mode: 'design' | 'naive', o: ClientBenchOptions, query = process.env.BENCH_QUERY) {
  // BENCH_QUERY adds screen options (e.g. `hide=heat`) to compare what a layer costs.
  const { page, firstDataMs } = await signedInPage(browser, server.url, `perf=${mode === 'naive' ? 'naive' : '1'}${query ? `&${query}` : ''}`);
  const traffic = startLoad(server.url, load, o.eventsPerSec, triage);
  try {
    return await measure(page, server.url, firstDataMs, traffic, mode, o);
  } finally {
    await traffic.stop();
    await page.context().close().catch(() => undefined);
  }
}

/** Tasks the trace lists one by one: longer than this, a frame is late enough to see. */
const LONG_TASK_MS = 150;

/**
 * BENCH_PROFILE=dir: a CPU profile of the page's main thread over the measured window, per mode
 * (open the .cpuprofile in Chromium's DevTools), and the top functions by self time printed.
 */
async function startProfile(browser: Browser, page: Page, mode: string): Promise<(() => Promise<void>) | null> {
  const dir = process.env.BENCH_PROFILE;
  if (!dir) return null;
  fs.mkdirSync(dir, { recursive: true });
  // First 10 s (BENCH_TRACE_SECONDS): a trace of the whole page (what the main thread does outside JavaScript too).
  await browser.startTracing(page, { categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'gpu', 'cc', 'blink', 'blink.user_timing'] });
  await page.waitForTimeout(Number(process.env.BENCH_TRACE_SECONDS ?? 10) * 1000);
  const trace = await browser.stopTracing();
  fs.writeFileSync(path.join(dir, `client-${mode}.trace.json`), trace);
  console.log(`trace (${mode}), main-thread self time by event over the traced seconds:`);
  const parsed = JSON.parse(trace.toString()) as Trace;
  console.table(traceSelfTime(parsed, 25));
  console.log(`trace (${mode}), main-thread tasks over ${LONG_TASK_MS} ms and where each spent its time (ms):`);
  console.table(traceLongTasks(parsed, LONG_TASK_MS));
  console.log(`trace (${mode}), store flushes over budget, what ran inside each (ms; "script": the flush's own JavaScript) and the CPU time of the call around it:`);
  console.table(traceMeasures(parsed, SLOW_FLUSH));
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 1000 });
  await cdp.send('Profiler.start');
  // What the main thread allocates, young garbage included: the rate that sets how often the
  // young generation is collected, and so how often a collection lands in a flush.
  await cdp.send('HeapProfiler.enable');
  await cdp.send('HeapProfiler.startSampling', { samplingInterval: 16_384, includeObjectsCollectedByMajorGC: process.env.BENCH_ALLOC !== 'live', includeObjectsCollectedByMinorGC: process.env.BENCH_ALLOC !== 'live' } as never);
  const allocStarted = Date.now();
  return async () => {
    const { profile } = (await cdp.send('Profiler.stop')) as { profile: CpuProfile };
    fs.writeFileSync(path.join(dir, `client-${mode}.cpuprofile`), JSON.stringify(profile));
    console.log(`profile (${mode}), top self time:`);
    console.table(topSelfTime(profile, 25));
    const { profile: allocations } = (await cdp.send('HeapProfiler.stopSampling')) as { profile: { head: AllocationNode } };
    fs.writeFileSync(path.join(dir, `client-${mode}.heapprofile`), JSON.stringify(allocations));
    console.log(`allocations (${mode}), top functions by bytes allocated, per second:`);
    console.table(topAllocations(allocations.head, (Date.now() - allocStarted) / 1000, 25));
  };
}

/**
 * BENCH_LAYER_COST=1: what one map render costs (the frame interval while the map renders every
 * frame: script, draw and, in software, the read-back) with everything shown, then with each
 * layer hidden in turn, and with the whole base map hidden; under the same live load, after the
 * warm-up and before the measured window.
 */
async function printLayerCost(page: Page): Promise<void> {
  // A string, not a function: the page has no `__name` helper that tsx's output would call.
  const costs = (await page.evaluate(`(async () => {
    const m = window.__perf.map;
    const settled = () => new Promise((done) => { const t = setTimeout(done, 8000); m.once('idle', () => { clearTimeout(t); done(); }); });
    // The first seconds at a place the map has not shown (what a critical focus costs): the longest
    // frame while its tiles load and draw. The view's render cost once settled is measured after.
    const arrive = async (center) => {
      const ts = [];
      let last = performance.now();
      let on = true;
      const step = (t) => { ts.push(t - last); last = t; if (on) requestAnimationFrame(step); };
      requestAnimationFrame(step);
      m.jumpTo({ center, zoom: 15 });
      await new Promise((done) => setTimeout(done, 3000));
      on = false;
      return { max: Math.round(Math.max(...ts)), over200: ts.filter((d) => d > 200).length };
    };
    const frames = () => new Promise((done) => {
      const ts = [];
      let last = null;
      m.repaint = true;
      const step = (t) => {
        if (last !== null) ts.push(t - last);
        last = t;
        if (ts.length < 60) requestAnimationFrame(step);
        else { m.repaint = false; done(Math.round(ts.reduce((a, b) => a + b, 0) / ts.length)); }
      };
      requestAnimationFrame(step);
    });
    const shown = (ids, visibility) => ids.forEach((id) => m.setLayoutProperty(id, 'visibility', visibility));
    const layers = m.getStyle().layers.filter((l) => (l.layout?.visibility ?? 'visible') === 'visible');
    // The base map: its background and the layers of its vector tiles; the rest are the screen's.
    const isBase = (l) => l.type === 'background' || m.getSource(l.source)?.type === 'vector';
    const out = { 'everything shown': await frames() };
    for (const id of layers.filter((l) => !isBase(l)).map((l) => l.id)) {
      shown([id], 'none');
      out['without ' + id] = await frames();
      shown([id], 'visible');
    }
    const base = layers.filter(isBase).map((l) => l.id);
    shown(base, 'none');
    out['without the base map (' + base.length + ' layers)'] = await frames();
    shown(base, 'visible');
    out['everything shown, again'] = await frames();
    const home = { center: m.getCenter(), zoom: m.getZoom() };
    const b = m.getBounds();
    const arrivals = [];
    for (const [x, y] of [[0.45, 0.4], [0.55, 0.6], [0.4, 0.7], [0.6, 0.3]]) {
      arrivals.push(await arrive([b.getWest() + (b.getEast() - b.getWest()) * x, b.getSouth() + (b.getNorth() - b.getSouth()) * y]));
      await settled();
    }
    out['at zoom 15, settled'] = await frames();
    m.jumpTo(home);
    await settled();
    return { costs: out, arrivals };
  })()`)) as { costs: Record<string, number>; arrivals: { max: number; over200: number }[] };
  console.log('map render cost, mean frame interval while rendering every frame (ms):');
  console.table(costs.costs);
  console.log(`arriving at a new place (zoom 15), the first 3 s: longest frame / frames over 200 ms: ${costs.arrivals.map((a) => `${a.max} / ${a.over200}`).join('; ')}`);
}

/**
 * BENCH_HEAP_SNAPSHOTS=dir: the page's heap written after the warm-up and at the end of the measured
 * window, and what grew between them printed by kind, to find what a growing heap holds.
 */
async function heapSnapshotter(page: Page, mode: string): Promise<((label: string) => Promise<string>) | null> {
  const dir = process.env.BENCH_HEAP_SNAPSHOTS;
  if (!dir) return null;
  fs.mkdirSync(dir, { recursive: true });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');
  return async (label) => {
    const file = path.join(dir, `client-${mode}-${label}.heapsnapshot`);
    const out = fs.openSync(file, 'w');
    const write = ({ chunk }: { chunk: string }) => fs.writeSync(out, chunk);
    cdp.on('HeapProfiler.addHeapSnapshotChunk', write);
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    cdp.off('HeapProfiler.addHeapSnapshotChunk', write);
    fs.closeSync(out);
    console.log(`heap snapshot: ${file}`);
    return file;
  };
}

interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }[];
  samples: number[];
  timeDeltas: number[];
}

interface AllocationNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: AllocationNode[];
}

/** Bytes allocated per function (its own allocations, not its callees'), per second of sampling. */
function topAllocations(head: AllocationNode, seconds: number, n: number) {
  const self = new Map<string, number>();
  const walk = (node: AllocationNode) => {
    const f = node.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + node.selfSize);
    node.children.forEach(walk);
  };
  walk(head);
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`total ${(total / 1048576 / seconds).toFixed(2)} MB/s over ${Math.round(seconds)} s`);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, bytes]) => ({ fn, 'KB/s': Math.round(bytes / 1024 / seconds), pct: `${((bytes / total) * 100).toFixed(1)}%` }));
}

function topSelfTime(profile: CpuProfile, n: number) {
  const byNode = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  profile.samples.forEach((id, i) => {
    const f = byNode.get(id)!.callFrame;
    const key = `${f.functionName || '(anonymous)'} ${f.url.split('/').pop()}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000);
  });
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  return [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, ms]) => ({ fn, ms: Math.round(ms), pct: `${((ms / total) * 100).toFixed(1)}%` }));
}

/**
 * The same stream to a plain Socket.IO client in Node, so what the page adds shows beside it. It
 * keeps only the ages of the incident changes it is asked to record (the test harness's client
 * keeps every batch: millions of objects over a long run, collected on the cores the page uses).
 */
async function plainStream(url: string): Promise<{ record(): number[]; close(): void }> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(`${url}${LIVE_NAMESPACE}`, { transports: ['websocket'], forceNew: true, extraHeaders: { cookie: await login(url, 'operator') } });
  let ages: number[] | null = null;
  socket.on('changes', (b) => {
    if (!ages) return;
    const now = Date.now();
    for (const c of b.changes) if (c.type === 'incident') ages.push(now - Date.parse(c.incident.updatedAt));
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the plain client had no snapshot within 60 s')), 60_000);
    socket.once('snapshot', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  return {
    record: () => (ages = []),
    close: () => socket.close(),
  };
}

async function measure(page: Page, url: string, firstDataMs: number, traffic: ReturnType<typeof startLoad>, mode: 'design' | 'naive', o: ClientBenchOptions) {
  await page.waitForTimeout(o.warmupSec * 1000);
  if (process.env.BENCH_LAYER_COST && mode === 'design') await printLayerCost(page);
  // Connected (its login hashed, its snapshot sent and parsed) before the window opens: that work
  // shares the machine's cores with the page, and is the bench's, not the screen's.
  const plain = await plainStream(url);
  const before = await heap(page);
  const heapSnapshot = await heapSnapshotter(page, mode);
  const arrivedBefore = await page.evaluate(() => (window as unknown as { __perf: PerfRecord }).__perf.arrive.length);
  const startSnapshot = await heapSnapshot?.('start');
  // Writing a snapshot freezes the page for seconds, and the forced collection for a moment: what
  // queued meanwhile is handled before the window opens, not counted as the screen being late.
  await page.waitForFunction(
    (before) => {
      const arrive = (window as unknown as { __perf: PerfRecord }).__perf.arrive;
      return arrive.length > before && arrive.toArray().at(-1)! < 1000;
    },
    arrivedBefore,
    { polling: 100, timeout: 60_000 },
  )
    // A page that never catches up (the naive one can fall behind for good) is measured as it is.
    .catch(() => undefined);
  await within(60_000, page.evaluate(() => (window as unknown as { __perf: { reset(): void } }).__perf.reset()));
  const sendAgeBefore = await sendAgeBuckets(url);
  const plainArrive = plain.record();
  const stopProfile = await startProfile(page.context().browser()!, page, mode);
  const cpuBefore = readThreadTicks();
  const samples: { t: number; heapMB: number; probeMB: number; domNodes: number }[] = [];
  const started = Date.now();
  while (Date.now() - started < o.durationSec * 1000) {
    await page.waitForTimeout(Math.min(30_000, o.durationSec * 1000 - (Date.now() - started)));
    samples.push({ t: Math.round((Date.now() - started) / 1000), ...(await heap(page)) });
  }
  const cpuAfter = readThreadTicks();
  const workers = await workerHeaps(page.context().browser()!);
  const windowSec = (Date.now() - started) / 1000;
  const dump = (await within(
    60_000,
    page.evaluate(() => {
      const p = (window as unknown as { __perf: { dump(): PerfDump; map?: unknown; excluded: { frames: number; longTasks: number } } }).__perf;
      // The share of the screen's resolution the map drew at (the pacer lowers it where renders are slow).
      const map = p.map as { getPixelRatio(): number } | undefined;
      const mapScale = map ? map.getPixelRatio() / devicePixelRatio : null;
      return { ...p.dump(), mapScale, excluded: p.excluded };
    }),
  )) as PerfDump & { mapScale: number | null; excluded: { frames: number; longTasks: number } };
  const endSnapshot = await heapSnapshot?.('end');
  if (startSnapshot && endSnapshot) printHeapGrowth(startSnapshot, endSnapshot);
  const sendAge = quantiles(subtractBuckets(await sendAgeBuckets(url), sendAgeBefore));
  plain.close();
  await stopProfile?.();
  const after = samples.at(-1) ?? before;
  const { sent, failed, triaged, triageFailed } = await traffic.stop();
  return {
    mode,
    firstDataMs,
    eventsSent: sent,
    eventsFailed: failed,
    triaged,
    triageFailed,
    serverSendAge: sendAge,
    plainArrive: dist(plainArrive),
    frames: dist(dump.frames),
    // The probe notes each frame over C1's 200 ms as it happens (when it ended): their count.
    framesOver200: dump.longFrames.length,
    // When each of them ended, s into the window: bunched at its start, a cost of the start.
    longFramesAtSec: dump.longFrames.map((ms) => Math.round(ms / 100) / 10),
    // When the camera started moving (a critical focus, there and back): whether new views cost the long frames.
    cameraMovesAtSec: dump.cameraMoves.map((ms) => Math.round(ms / 100) / 10),
    // Frames spanning the heap samples' forced collections (~200 ms each, every 30 s): the bench's own.
    framesExcluded: dump.excluded.frames,
    // C1 holds each flush to 4 ms: how many did not, beside the distribution.
    flushesOver4: dump.flushes.filter((f) => f > FLUSH_BUDGET_MS).length,
    longTasks: dist(dump.longTasks),
    flush: dist(dump.flushes),
    mapUpdate: dist(dump.mapUpdates),
    chartUpdate: dist(dump.chartUpdates),
    feedPaint: dist(dump.feedPaint),
    arrive: dist(dump.arrive),
    mapPaint: dist(dump.mapPaint),
    mapRender: dist(dump.mapRender),
    mapScale: dump.mapScale,
    // Each thread group's share of one core over the window (Linux): what the page competed with.
    threadCpu: cpuBefore && cpuAfter ? cpuShares(cpuBefore, cpuAfter, windowSec) : [],
    // At the end, before and after a collection the bench forces in each worker.
    workerHeaps: workers,
    heap: {
      beforeMB: before.heapMB,
      afterMB: after.heapMB,
      growthPct: ((after.heapMB - before.heapMB) / before.heapMB) * 100,
      floor: heapFloorGrowth([before, ...samples]),
      domBefore: before.domNodes,
      domAfter: after.domNodes,
      samples,
    },
  };
}

type Buckets = [le: number, count: number][];

/** The server's send-age histogram (cumulative buckets) from its Prometheus text. */
async function sendAgeBuckets(url: string): Promise<Buckets> {
  const text = await (await fetch(`${url}/metrics`)).text();
  return [...text.matchAll(/^city_live_incident_send_age_seconds_bucket\{le="([^"]+)"\} (\d+)/gm)].map((m) => [m[1] === '+Inf' ? Infinity : Number(m[1]), Number(m[2])]);
}

function subtractBuckets(after: Buckets, before: Buckets): Buckets {
  return after.map(([le, n], i) => [le, n - (before[i]?.[1] ?? 0)]);
}

/** p50/p95/p99 in ms from cumulative buckets, interpolated within a bucket as Prometheus does. */
function quantiles(buckets: Buckets) {
  const total = buckets.at(-1)?.[1] ?? 0;
  const at = (q: number) => {
    const rank = q * total;
    let lower = 0;
    let below = 0;
    for (const [le, n] of buckets) {
      if (n >= rank) return Number.isFinite(le) ? (lower + ((le - lower) * (rank - below)) / Math.max(1, n - below)) * 1000 : lower * 1000;
      lower = le;
      below = n;
    }
    return NaN;
  };
  return { n: total, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

function bundleSizes(dir: string) {
  const files = fs.readdirSync(path.join(dir, 'assets')).filter((f) => f.endsWith('.js'));
  const sizes = files.map((f) => {
    const buf = fs.readFileSync(path.join(dir, 'assets', f));
    return { file: f, rawKB: buf.length / 1024, gzipKB: zlib.gzipSync(buf).length / 1024 };
  });
  sizes.sort((a, b) => b.gzipKB - a.gzipKB);
  return { totalGzipKB: sizes.reduce((a, b) => a + b.gzipKB, 0), largest: sizes.slice(0, 6) };
}

export async function clientBench(o: ClientBenchOptions) {
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`Chromium not found at ${CHROMIUM_PATH}`);
  const staticDir = await builtClient();
  const cityDir = benchCity(o.sensors);
  const server = await startServerProcess({ STATIC_DIR: staticDir, CITY_DIR: cityDir, INGEST_RATE_PER_MIN: '1000000', COMMAND_RATE_PER_MIN: '100000' });
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--enable-unsafe-swiftshader', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync', '--js-flags=--expose-gc', '--enable-precise-memory-info'],
  });
  try {
    const load = makeLoad(cityDir);
    // The city as it stands when the screens open: 10k incidents on the map.
    const cases: OpenCase[] = [];
    for (let made = 0; made < o.incidents; made += 500) {
      const reports = Array.from({ length: Math.min(500, o.incidents - made) }, () => load.report());
      cases.push(...casesOf(reports, await post(server.url, reports)));
    }
    const triage = triager(server.url, await login(server.url, 'dispatcher'), cases);
    const design = await runMode(browser, server, load, triage, 'design', o);
    // BENCH_AB=query: instead of the naive baseline, the designed screen again with these screen
    // options, against the same server and load, to weigh one change side by side.
    const ab = process.env.BENCH_AB;
    if (ab) {
      const variant = await runMode(browser, server, load, triage, 'design', o, [process.env.BENCH_QUERY, ab].filter(Boolean).join('&'));
      return { options: o, bundle: bundleSizes(staticDir), design, naive: { mode: 'naive' as const, error: 'not run (BENCH_AB)' }, variant: { query: ab, ...variant } };
    }
    let naive: Awaited<ReturnType<typeof runMode>> | { mode: 'naive'; error: string };
    try {
      naive = process.env.BENCH_MODES === 'design' ? { mode: 'naive', error: 'not run (BENCH_MODES=design)' } : await runMode(browser, server, load, triage, 'naive', o);
    } catch (error) {
      naive = { mode: 'naive', error: (error as Error).message };
    }
    return { options: o, bundle: bundleSizes(staticDir), design, naive, variant: null };
  } finally {
    await browser.close();
    await server.stop();
    fs.rmSync(cityDir, { recursive: true, force: true });
  }
}
