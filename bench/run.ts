// `npm run bench [-- suite] [-- --full]`: runs the benchmarks, prints a table, and writes
// bench/results/<suite>-<time>.json so a later run can be compared. Never part of `npm test`.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestBench } from './ingestBench.ts';
import { latencyBench, stormBench } from './clusterBench.ts';
import { clientBench } from './clientBench.ts';
import { reducerBench } from './reducerBench.ts';
import { vitalsBench } from './vitalsBench.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const full = args.includes('--full');
const suites = args.filter((a) => !a.startsWith('--'));
const wanted = suites.length ? suites : ['ingest'];

const SUITES: Record<string, () => Promise<Record<string, unknown>>> = {
  ingest: () => ingestBench({ durationSec: full ? 120 : 30, batchSize: 500, concurrency: 4 }),
  latency: () => latencyBench(full ? 500 : 100),
  storm: () => stormBench(500),
  vitals: () => vitalsBench({ incidents: 10_000, rounds: full ? 200 : 40 }),
  reducer: () => reducerBench({ incidents: 10_000, sensors: 20_000, batchSize: 2000, rounds: full ? 200 : 40 }),
  // Quick: 45 s per mode after 15 s of warm-up; full: C3's 30 minutes per mode after 2 minutes
  // (the map's tile caches fill as the critical focus visits places; code is optimised).
  client: () => clientBench({ durationSec: Number(process.env.BENCH_SECONDS) || (full ? 1800 : 45), warmupSec: full ? 120 : 15, incidents: 10_000, sensors: 20_000, eventsPerSec: 2000 }),
};

function fmt(n: unknown): string {
  return typeof n === 'number' ? (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 0)) : String(n);
}

function printClient(r: Awaited<ReturnType<typeof clientBench>>): void {
  const row = (m: typeof r.design) => ({
    'frame p50 ms': fmt(m.frames.p50),
    'frame p95 ms': fmt(m.frames.p95),
    'frames >200ms': m.framesOver200,
    'frame max ms': fmt(m.frames.max),
    'frames in bench GC': m.framesExcluded,
    'flush p95 ms': fmt(m.flush.p95),
    'flush max ms': fmt(m.flush.max),
    'flushes >4ms': m.flushesOver4,
    flushes: m.flush.n,
    'map upd p95 ms': fmt(m.mapUpdate.p95),
    'chart upd p95 ms': fmt(m.chartUpdate.p95),
    'server send p99 ms': fmt(m.serverSendAge.p99),
    'plain client p99 ms': fmt(m.plainArrive.p99),
    'arrive p99 ms': fmt(m.arrive.p99),
    'feed paint p99 ms': fmt(m.feedPaint.p99),
    'map paint p99 ms': fmt(m.mapPaint.p99),
    'map render p50/p95 ms': `${fmt(m.mapRender.p50)}/${fmt(m.mapRender.p95)}`,
    'map scale': m.mapScale === null ? 'n/a' : fmt(m.mapScale),
    'heap growth %': fmt(m.heap.growthPct),
    'heap floor growth %': m.heap.floor ? fmt(m.heap.floor.growthPct) : 'n/a',
    'DOM nodes': `${m.heap.domBefore}→${m.heap.domAfter}`,
    'first data ms': m.firstDataMs,
    'events sent': m.eventsSent,
    'triage changes': m.triaged,
  });
  if (r.variant) {
    console.table({ designed: row(r.design), [`designed & ${r.variant.query}`]: row(r.variant) });
  } else if ('error' in r.naive) {
    console.table({ designed: row(r.design) });
    console.log(`naive baseline: ${r.naive.error}`);
  } else {
    const naive = r.naive;
    console.table({ designed: row(r.design), 'naive baseline': row(naive) });
    const ratio = (a: number, b: number) => (a > 0 ? `${(b / a).toFixed(1)}×` : 'n/a');
    console.log(`naive/designed: frame p95 ${ratio(r.design.frames.p95, naive.frames.p95)}, store time ${ratio(r.design.flush.mean * r.design.flush.n, naive.flush.mean * naive.flush.n)}, map update time ${ratio(r.design.mapUpdate.mean * r.design.mapUpdate.n, naive.mapUpdate.mean * naive.mapUpdate.n)}, map paint p99 ${ratio(r.design.mapPaint.p99, naive.mapPaint.p99)}`);
  }
  const list = (times: number[]) => (times.length ? times.slice(0, 40).join(', ') + (times.length > 40 ? ', …' : '') : 'none');
  const at = (m: typeof r.design) => list(m.longFramesAtSec);
  console.log(`frames > 200 ms, s into the window: designed ${at(r.design)}${r.variant ? `; variant ${at(r.variant)}` : 'error' in r.naive ? '' : `; naive ${r.naive.longFramesAtSec.length} of them`}`);
  console.log(`camera moves (critical focus), s into the window: designed ${list(r.design.cameraMovesAtSec)}${r.variant ? `; variant ${list(r.variant.cameraMovesAtSec)}` : ''}`);
  const cpu = (m: typeof r.design) => m.threadCpu.slice(0, 10).map((t) => `${t.thread}${t.threads > 1 ? ` ×${t.threads}` : ''} ${t.pct.toFixed(0)}`).join(', ') || 'n/a';
  console.log(`CPU by thread over the window, % of one core: designed ${cpu(r.design)}`);
  if (r.variant) console.log(`  variant ${cpu(r.variant)}`);
  else if (!('error' in r.naive)) console.log(`  naive ${cpu(r.naive)}`);
  const workers = (m: typeof r.design) => m.workerHeaps.map((w) => `${w.url} ${w.usedMB} MB used, ${w.liveMB} MB live`).join('; ') || 'n/a';
  console.log(`worker heaps at the end: designed ${workers(r.design)}${r.variant ? `; variant ${workers(r.variant)}` : ''}`);
  console.log(`JS shipped (gzip): ${fmt(r.bundle.totalGzipKB)} KB total; largest: ${r.bundle.largest.map((b) => `${b.file} ${fmt(b.gzipKB)} KB`).join(', ')}`);
  console.log('frames in bench GC: frames spanning the forced collection of each 30 s heap sample, set apart from the distribution');
  console.log('targets: frame p95 ≤ 50 ms, none > 200 ms, flush ≤ 4 ms, event→pixel p99 ≤ 250 ms, heap growth ≤ 10%, gzip JS ≤ 1200 KB, first data ≤ 2000 ms');
}

for (const name of wanted) {
  const run = SUITES[name];
  if (!run) {
    console.error(`unknown suite ${name}; known: ${Object.keys(SUITES).join(', ')}`);
    process.exit(2);
  }
  console.log(`\n▶ ${name}${full ? ' (full)' : ' (quick)'}`);
  const result = await run();
  if (name === 'ingest') {
    const r = result as Awaited<ReturnType<typeof ingestBench>>;
    console.table({
      'HTTP ingest (server)': { 'events/s': fmt(r.http.eventsPerSec), 'p50 batch ms': fmt(r.http.p50BatchMs), 'p99 batch ms': fmt(r.http.p99BatchMs), 'server CPU % core': fmt(r.http.serverCpuPctOfCore) },
      'raw inserts (baseline)': { 'events/s': fmt(r.raw.eventsPerSec), 'p50 batch ms': '', 'p99 batch ms': '', 'server CPU % core': '' },
    });
    console.log(`ratio HTTP/raw: ${(r.ratio * 100).toFixed(1)}% (target ≥ 40%); events/s target ≥ 10,000`);
  }
  if (name === 'latency') {
    const r = result as Awaited<ReturnType<typeof latencyBench>>;
    console.table({
      'screen on the same node (baseline)': { 'p50 ms': fmt(r.sameNode.p50Ms), 'p99 ms': fmt(r.sameNode.p99Ms) },
      'screen on the other node': { 'p50 ms': fmt(r.otherNode.p50Ms), 'p99 ms': fmt(r.otherNode.p99Ms) },
    });
    console.log(`added p99 for a cross-node change: ${fmt(r.addedP99Ms)} ms over ${r.count} incidents (two nodes must agree within 1 s)`);
  }
  if (name === 'storm') {
    const r = result as Awaited<ReturnType<typeof stormBench>>;
    console.table({
      'fresh start on B (baseline)': { screens: r.screens, seconds: fmt(r.freshSeconds), complete: '' },
      'SIGKILL A, resume on B': { screens: r.screens, seconds: fmt(r.resumeSeconds), complete: r.complete },
    });
    console.log(`S5 target: all ${r.screens} resumed with no gap and no duplicate within 15 s (${r.startedOnA} screens were on A; ${r.changes} changes in the log, ${r.reconnects} reconnections)`);
  }
  if (name === 'reducer') {
    const r = result as Awaited<ReturnType<typeof reducerBench>>;
    const row = (t: { p50: number; p95: number; mean: number }) => ({ 'p50 ms': fmt(t.p50), 'p95 ms': fmt(t.p95), 'mean ms': fmt(t.mean) });
    console.table({
      'store commit, 2,000 events (5 reports)': row(r.mixed.new),
      'copy-every-touched-table (baseline)': row(r.mixed.old),
      'store commit, 2,000 readings only': row(r.readingsOnly.new),
      'copy-every-touched-table, readings only (baseline)': row(r.readingsOnly.old),
    });
    console.log(`one flush of ${r.batchSize} events into ${r.incidents} incidents + ${r.sensors} sensors, ${r.rounds} rounds; baseline/new p50: mixed ${(r.mixed.old.p50 / r.mixed.new.p50).toFixed(1)}×, readings ${(r.readingsOnly.old.p50 / r.readingsOnly.new.p50).toFixed(1)}× (C1 target: flush ≤ 4 ms)`);
  }
  if (name === 'vitals') {
    const r = result as Awaited<ReturnType<typeof vitalsBench>>;
    const row = (t: { p50: number; p95: number; overdue: number }) => ({ 'p50 ms': fmt(t.p50), 'p95 ms': fmt(t.p95), overdue: t.overdue });
    console.table({ 'with the vital-sign indexes': row(r.indexed), 'without them (baseline)': row(r.plain) });
    console.log(`the vital signs' store queries on ${r.incidents} cases, ${r.rounds} rounds (every 2 s on the server's event loop); baseline/indexed p50: ${(r.plain.p50 / r.indexed.p50).toFixed(1)}×`);
    const a = r.aggregates;
    const stalls = (t: typeof a.evaluation.reader) => ({ 'loop stall p50 ms': fmt(t.stall.p50), 'loop stall p95 ms': fmt(t.stall.p95), 'wall p50 ms': fmt(t.wall.p50) });
    console.table({
      "the day's evaluation, reader thread": stalls(a.evaluation.reader),
      "the day's evaluation, on the loop (baseline)": stalls(a.evaluation.loop),
      "yesterday's figures, reader thread": stalls(a.yesterday.reader),
      "yesterday's figures, on the loop (baseline)": stalls(a.yesterday.loop),
    });
    console.log(`the evaluation of the day's ${a.records} cases (every 30 s) and yesterday's figures (every 2 s): the longest the event loop waits while each runs`);
  }
  if (name === 'client') printClient(result as Awaited<ReturnType<typeof clientBench>>);
  const out = path.join(here, 'results', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`written ${path.relative(process.cwd(), out)}`);
}
