// Node loss: two server processes on the real PostgreSQL and Redis take ~500 events/s; node A is
// killed with SIGKILL. Its screens move to node B and resume from their last seq; afterwards every
// screen holds exactly the facts in the change log (no gap, no duplicate) and every acknowledged
// event is stored.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, patrolReport } from '../testing/harness.ts';
import { startServerProcess, type ServerProcess } from '../testing/serverProcess.ts';
import { FailoverClient, factKey, isFact } from '../testing/failoverClient.ts';
import { TEST_REDIS_URL, createTestDatabase, postgresReachable, queryDatabase, redisReachable } from '../testing/services.ts';
import { loadCityReference } from '../services/cityReference.ts';
import type { Change } from '../../shared/protocol/changes.ts';
import { LoadGenerator } from '../testing/loadGenerator.ts';

const ready = (await postgresReachable()) && (await redisReachable());
const sensors = loadCityReference().sensors;

describe.skipIf(!ready)('losing a node under load', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let nodes: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL };
    nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 60_000);
  afterAll(async () => {
    for (const node of nodes) await node.stop();
    await db?.drop();
  });

  it('moves the killed node\'s screens to the other and leaves every screen with exactly the log', async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    const cookie = await login(b.url, 'supervisor');
    const urls = [a.url, b.url];
    // Four screens on each node.
    const clients = Array.from({ length: 8 }, (_, k) => new FailoverClient(urls, cookie, k % 2));
    const onA = clients.filter((_, k) => k % 2 === 0);
    try {
      await Promise.all(clients.map((c) => c.until(() => c.snapshots.length > 0, 'first snapshot')));
      const load = new LoadGenerator(urls, sensors, { eventsPerSecond: 500, batch: 25, patrolShare: 0.2, patrol: patrolReport });
      load.start();
      await load.until(1500);

      const killedAt = performance.now();
      await a.kill('SIGKILL');
      load.remove(a.url);
      for (const c of onA) c.skipNode(a.url);
      const headAtKill = Number((await queryDatabase<{ h: number }>(db.url, 'SELECT COALESCE(MAX(seq), 0)::int AS h FROM changes'))[0]!.h);
      await Promise.all(onA.map((c) => c.until(() => c.url === b.url && c.lastSeq() >= headAtKill, 'resumed on B past the kill')));
      const recoveredMs = performance.now() - killedAt;

      await load.until(load.sentEvents + 1500);
      await load.stop();
      const head = Number((await queryDatabase<{ h: number }>(db.url, 'SELECT COALESCE(MAX(seq), 0)::int AS h FROM changes'))[0]!.h);
      await Promise.all(clients.map((c) => c.until(() => c.lastSeq() >= head, `all changes up to ${head}`, 20_000)));

      const log = (await queryDatabase<{ seq: number; body: string }>(db.url, 'SELECT seq::int AS seq, body FROM changes ORDER BY seq')).map(
        (r) => ({ ...(JSON.parse(r.body) as object), seq: Number(r.seq) }) as Change,
      );
      for (const client of clients) {
        const from = client.snapshots[0]!.seq;
        const expected = log.filter((c) => c.seq > from && isFact(c)).map(factKey);
        expect(client.gaps).toEqual([]);
        expect(client.snapshots).toHaveLength(1);
        expect(client.facts()).toEqual(expected);
      }
      for (const c of onA) expect(c.connects.map((x) => x.url)).toEqual([a.url, b.url]);

      // Every event some node acknowledged is stored, once.
      const stored = await queryDatabase<{ n: number }>(
        db.url,
        'SELECT COUNT(*)::int AS n FROM ingest_keys WHERE source_event_id = ANY($1)',
        [[...load.acknowledged]],
      );
      expect(Number(stored[0]!.n)).toBe(load.acknowledged.size);
      const readings = await queryDatabase<{ n: number; k: number }>(db.url, "SELECT (SELECT COUNT(*) FROM readings)::int AS n, (SELECT COUNT(*) FROM ingest_keys WHERE source = 'sensor')::int AS k");
      expect(Number(readings[0]!.n)).toBe(Number(readings[0]!.k));
      expect(log.length).toBeGreaterThan(100);
      console.log(
        `node loss: ${load.rate().toFixed(0)} events/s offered, ${log.length} changes; screens of the killed node resumed on the other in ${recoveredMs.toFixed(0)} ms`,
      );
    } finally {
      for (const c of clients) c.close();
    }
  }, 120_000);
});
