// Two server processes on this machine's PostgreSQL and Redis.
// - latency: an incident ingested on one node, timed to a screen on the same node (baseline)
//   and to a screen on the other node; the difference of the p99s is what the cluster adds.
// - storm (S5, and node loss): N screens on node A while events arrive; A is killed with
//   SIGKILL; timed until every screen has resumed on B with every change. Baseline, side by
//   side: the same N screens starting fresh on B (a snapshot each).

import { login, patrolReport } from '../server/testing/harness.ts';
import { startServerProcess, type ServerProcess } from '../server/testing/serverProcess.ts';
import { FailoverClient, factKey, isFact } from '../server/testing/failoverClient.ts';
import { LoadGenerator } from '../server/testing/loadGenerator.ts';
import { TEST_REDIS_URL, createTestDatabase, postgresReachable, queryDatabase, redisReachable } from '../server/testing/services.ts';
import { loadCityReference } from '../server/services/cityReference.ts';
import type { Change } from '../shared/protocol/changes.ts';

const sensors = loadCityReference().sensors;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(sorted.length * p) - 1))] ?? NaN;
}

async function withCluster<T>(run: (a: ServerProcess, b: ServerProcess, dbUrl: string) => Promise<T>): Promise<T> {
  if (!(await postgresReachable()) || !(await redisReachable())) throw new Error('the cluster benchmarks need PostgreSQL and Redis');
  const db = await createTestDatabase();
  const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL };
  const nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  try {
    return await run(nodes[0]!, nodes[1]!, db.url);
  } finally {
    for (const n of nodes) await n.stop();
    await db.drop();
  }
}

export async function latencyBench(count: number) {
  return withCluster(async (a, b) => {
    const cookie = await login(a.url, 'supervisor');
    const onA = new FailoverClient([a.url], cookie);
    const onB = new FailoverClient([b.url], cookie);
    try {
      await Promise.all([onA, onB].map((c) => c.until(() => c.snapshots.length > 0, 'snapshot')));
      const same: number[] = [];
      const other: number[] = [];
      for (let k = 0; k < count; k += 1) {
        const [node, near, far] = k % 2 ? [a, onA, onB] : [b, onB, onA];
        const started = performance.now();
        const res = await fetch(`${node.url}/api/ingest/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' },
          body: JSON.stringify({ events: [patrolReport()] }),
        });
        const id = ((await res.json()) as { results: { incidentId: string }[] }).results[0]!.incidentId;
        const seen = (c: FailoverClient) => () => c.batches.some((batch) => batch.changes.some((ch) => ch.type === 'incident' && ch.incident.id === id));
        await Promise.all([
          near.until(seen(near), 'same node').then(() => same.push(performance.now() - started)),
          far.until(seen(far), 'other node').then(() => other.push(performance.now() - started)),
        ]);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      return {
        count,
        sameNode: { p50Ms: percentile(same, 0.5), p99Ms: percentile(same, 0.99) },
        otherNode: { p50Ms: percentile(other, 0.5), p99Ms: percentile(other, 0.99) },
        addedP99Ms: percentile(other, 0.99) - percentile(same, 0.99),
      };
    } finally {
      onA.close();
      onB.close();
    }
  });
}

export async function stormBench(screens: number) {
  return withCluster(async (a, b, dbUrl) => {
    const cookie = await login(b.url, 'supervisor');
    const head = async () => Number((await queryDatabase<{ h: number }>(dbUrl, 'SELECT COALESCE(MAX(seq), 0)::int AS h FROM changes'))[0]!.h);

    // Baseline: the same number of screens starting fresh on B (a snapshot each).
    let started = performance.now();
    const fresh = Array.from({ length: screens }, () => new FailoverClient([b.url], cookie));
    await Promise.all(fresh.map((c) => c.until(() => c.snapshots.length > 0, 'snapshot', 120_000)));
    const freshSeconds = (performance.now() - started) / 1000;
    for (const c of fresh) c.close();

    // All screens on A, connected in waves so that none gives up on A while the others start.
    const clients: FailoverClient[] = [];
    while (clients.length < screens) {
      const wave = Array.from({ length: Math.min(50, screens - clients.length) }, () => new FailoverClient([a.url, b.url], cookie));
      await Promise.all(wave.map((c) => c.until(() => c.snapshots.length > 0, 'snapshot', 120_000)));
      clients.push(...wave);
    }
    const load = new LoadGenerator([a.url, b.url], sensors, { eventsPerSecond: 200, batch: 10, patrolShare: 0.3, patrol: patrolReport });
    load.start();
    await load.until(400);
    started = performance.now();
    await a.kill('SIGKILL');
    load.remove(a.url);
    const atKill = await head();
    await Promise.all(clients.map((c) => c.until(() => c.connected && c.url === b.url && c.lastSeq() >= atKill, 'resumed', 120_000)));
    const resumeSeconds = (performance.now() - started) / 1000;
    await load.until(load.sentEvents + 400);
    await load.stop();
    const end = await head();
    await Promise.all(clients.map((c) => c.until(() => c.lastSeq() >= end, 'caught up', 60_000)));
    const log = (await queryDatabase<{ seq: number; body: string }>(dbUrl, 'SELECT seq::int AS seq, body FROM changes ORDER BY seq')).map(
      (r) => ({ ...(JSON.parse(r.body) as object), seq: Number(r.seq) }) as Change,
    );
    const complete = clients.every((c) => {
      const expected = log.filter((x) => x.seq > c.snapshots[0]!.seq && isFact(x)).map(factKey);
      return c.gaps.length === 0 && c.snapshots.length === 1 && JSON.stringify(c.facts()) === JSON.stringify(expected);
    });
    for (const c of clients) c.close();
    const reconnects = clients.reduce((n, c) => n + c.connects.length - 1, 0);
    const startedOnA = clients.filter((c) => c.connects[0]?.url === a.url).length;
    return { screens, startedOnA, resumeSeconds, freshSeconds, complete, changes: log.length, reconnects };
  });
}
