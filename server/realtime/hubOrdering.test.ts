// The hub's ordering under what several nodes produce: facts arriving out of order, twice, or not
// at all (a relay lost in a Redis outage). Screens still get each seq once, in order, gap-free.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient, login, startTestServer } from '../testing/harness.ts';
import type { Change } from '../../shared/protocol/changes.ts';

describe('live hub ordering with relayed facts', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const notices = (n: number) =>
    server.store.appendChanges(
      Array.from({ length: n }, (_, k) => ({ type: 'notice' as const, notice: { level: 'info' as const, code: `n${k}` }, at: new Date().toISOString() })),
      new Date().toISOString(),
    );
  const seqsOf = (client: LiveClient) => client.batches.flatMap((b) => b.changes).filter((c) => c.type === 'notice').map((c) => c.seq);

  it('sends relayed facts once each, in seq order, filling a hole from the log', async () => {
    const client = new LiveClient(server.url, await login(server.url, 'supervisor'));
    try {
      await client.until(() => client.snapshots.length > 0, 'snapshot');
      const [first, second, third, fourth] = (await notices(4)) as [Change, Change, Change, Change];
      // Another node's facts: the third twice and before the second; the first never relayed.
      server.hub.receive([third, third]);
      server.hub.receive([second, fourth, second]);
      await client.until(() => client.lastSeq() >= fourth.seq, 'the hole filled from the log', 5000);
      expect(seqsOf(client)).toEqual([first.seq, second.seq, third.seq, fourth.seq]);
      expect(server.hub.pendingFacts).toBe(0);
    } finally {
      client.close();
    }
  });

  it('picks up from the log what no relay brought at all', async () => {
    const client = new LiveClient(server.url, await login(server.url, 'supervisor'));
    try {
      await client.until(() => client.snapshots.length > 0, 'snapshot');
      const written = await notices(3);
      await server.hub.sync(true);
      await client.until(() => client.lastSeq() >= written[2]!.seq, 'the log read back');
      expect(seqsOf(client)).toEqual(written.map((c) => c.seq));
    } finally {
      client.close();
    }
  });
});
