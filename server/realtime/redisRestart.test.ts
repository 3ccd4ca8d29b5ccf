// Redis restarted mid-run (the real local one, started again the way the machine starts it): no
// node exits, changes keep flowing through the change log meanwhile, and every screen on both
// nodes ends with exactly the log's facts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, login, patrolReport } from '../testing/harness.ts';
import { startServerProcess, type ServerProcess } from '../testing/serverProcess.ts';
import { FailoverClient, factKey, isFact } from '../testing/failoverClient.ts';
import { LoadGenerator } from '../testing/loadGenerator.ts';
import { TEST_REDIS_URL, createTestDatabase, postgresReachable, queryDatabase, redisReachable, startRedis, stopRedis } from '../testing/services.ts';
import { loadCityReference } from '../services/cityReference.ts';
import type { Change } from '../../shared/protocol/changes.ts';

const ready = (await postgresReachable()) && (await redisReachable());
const sensors = loadCityReference().sensors;

/** Poll `probe` until it holds (for state only visible by asking, such as /readyz). */
async function eventually(probe: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.skipIf(!ready)('Redis restarted mid-run', () => {
  let db: Awaited<ReturnType<typeof createTestDatabase>>;
  let nodes: ServerProcess[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = { DATABASE_URL: db.url, REDIS_URL: TEST_REDIS_URL };
    nodes = await Promise.all([startServerProcess(env), startServerProcess(env)]);
  }, 60_000);
  afterAll(async () => {
    // Whatever happened above, leave the machine's Redis running.
    if (!(await redisReachable().catch(() => false))) await startRedis();
    for (const node of nodes) await node.stop();
    await db?.drop();
  });

  it('keeps every node up and brings every screen to the full log', async () => {
    const [a, b] = nodes as [ServerProcess, ServerProcess];
    const cookie = await login(a.url, 'supervisor');
    const clients = Array.from({ length: 6 }, (_, k) => new FailoverClient([a.url, b.url], cookie, k % 2));
    const load = new LoadGenerator([a.url, b.url], sensors, { eventsPerSecond: 200, batch: 10, patrolShare: 0.3, patrol: patrolReport });
    try {
      await Promise.all(clients.map((c) => c.until(() => c.snapshots.length > 0, 'first snapshot')));
      load.start();
      await load.until(200);

      await stopRedis();
      const outageStart = load.sentEvents;
      await eventually(async () => (await getJson(a.url, '/readyz')).body?.adapterReady === false, 'node A to see Redis gone');
      await load.until(outageStart + 300);
      // Nodes stay up and in rotation; changes made on one node reach the other's screens from the log.
      for (const node of [a, b]) {
        expect(node.child.exitCode).toBeNull();
        const res = await getJson(node.url, '/readyz');
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ storeReady: true, adapterReady: false });
      }
      const duringOutage = Number((await queryDatabase<{ h: number }>(db.url, 'SELECT MAX(seq)::int AS h FROM changes'))[0]!.h);
      await Promise.all(clients.map((c) => c.until(() => c.lastSeq() >= duringOutage, 'changes during the outage')));

      await startRedis();
      await eventually(async () => {
        const [ra, rb] = await Promise.all([getJson(a.url, '/readyz'), getJson(b.url, '/readyz')]);
        return ra.body?.adapterReady === true && rb.body?.adapterReady === true;
      }, 'both nodes back on Redis');
      await load.until(load.sentEvents + 200);
      await load.stop();

      const head = Number((await queryDatabase<{ h: number }>(db.url, 'SELECT MAX(seq)::int AS h FROM changes'))[0]!.h);
      await Promise.all(clients.map((c) => c.until(() => c.lastSeq() >= head, `all changes up to ${head}`, 20_000)));
      const log = (await queryDatabase<{ seq: number; body: string }>(db.url, 'SELECT seq::int AS seq, body FROM changes ORDER BY seq')).map(
        (r) => ({ ...(JSON.parse(r.body) as object), seq: Number(r.seq) }) as Change,
      );
      for (const client of clients) {
        expect(client.gaps).toEqual([]);
        expect(client.connects).toHaveLength(1);
        expect(client.facts()).toEqual(log.filter((c) => c.seq > client.snapshots[0]!.seq && isFact(c)).map(factKey));
      }
      for (const node of [a, b]) expect(node.child.exitCode).toBeNull();
    } finally {
      await load.stop();
      for (const c of clients) c.close();
    }
  }, 120_000);
});
