// `npm run bench [-- suite] [-- --full]`: runs the benchmarks, prints a table, and writes
// bench/results/<suite>-<time>.json so a later run can be compared. Never part of `npm test`.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ingestBench } from './ingestBench.ts';
import { latencyBench, stormBench } from './clusterBench.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const full = args.includes('--full');
const suites = args.filter((a) => !a.startsWith('--'));
const wanted = suites.length ? suites : ['ingest'];

const SUITES: Record<string, () => Promise<Record<string, unknown>>> = {
  ingest: () => ingestBench({ durationSec: full ? 120 : 30, batchSize: 500, concurrency: 4 }),
  latency: () => latencyBench(full ? 500 : 100),
  storm: () => stormBench(500),
};

function fmt(n: unknown): string {
  return typeof n === 'number' ? (Number.isInteger(n) ? String(n) : n.toFixed(n < 10 ? 2 : 0)) : String(n);
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
  const out = path.join(here, 'results', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, JSON.stringify(result, null, 2));
  console.log(`written ${path.relative(process.cwd(), out)}`);
}
