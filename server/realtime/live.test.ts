import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient, ingest, login, patrolReport, startTestServer } from '../testing/harness.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

describe('live stream over a real Socket.IO connection', () => {
  let server: Server;
  let cookie: string;
  const clients: LiveClient[] = [];
  const connect = (auth: { lastSeq?: number } = {}, withCookie = true) => {
    const c = new LiveClient(server.url, withCookie ? cookie : null, auth);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startTestServer();
    cookie = await login(server.url, 'operator');
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await server.close();
  });

  it('refuses a connection without a session', async () => {
    const c = connect({}, false);
    const error = await new Promise<Error>((resolve) => c.socket.once('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
  });

  it('greets with hello and a snapshot, then delivers an ingested event as an ordered change', async () => {
    const c = connect();
    await c.until(() => c.snapshots.length === 1, 'snapshot');
    expect(c.hello?.user.username).toBe('operator');
    const start = c.snapshots[0]!.seq;

    const res = await ingest(server.url, [patrolReport(), patrolReport()]);
    expect(res.status).toBe(200);
    const ids = res.body.results.map((r: { incidentId: string }) => r.incidentId);
    await c.until(() => ids.every((id: string) => c.facts().some((f) => f.type === 'incident' && f.incident.id === id)), 'both incidents');

    // Batches are contiguous from the snapshot on, and seqs rise strictly.
    let expected = start + 1;
    for (const b of c.batches) {
      expect(b.fromSeq).toBe(expected);
      expected = b.toSeq + 1;
    }
    const seqs = c.facts().map((f) => f.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(seqs.length);
  });

  it('a client that misses N changes and resumes receives exactly those N', async () => {
    const first = connect();
    await first.until(() => first.snapshots.length === 1, 'snapshot');
    await ingest(server.url, [patrolReport()]);
    await first.until(() => first.facts().length >= 1, 'first change');
    const lastSeq = first.lastSeq();
    first.close();

    // An observer that stays connected shows when the missed changes have gone out live, so the
    // reconnecting client must get them from the log, not from the live stream.
    const observer = connect();
    await observer.until(() => observer.snapshots.length === 1, 'observer snapshot');
    const N = 7;
    const missed = await ingest(server.url, Array.from({ length: N }, () => patrolReport()));
    const missedIds = missed.body.results.map((r: { incidentId: string }) => r.incidentId);
    await observer.until(() => observer.facts().length >= N, 'the missed changes published');

    const again = connect({ lastSeq });
    await again.until(() => again.facts().length >= N, `${N} missed changes`);
    // No snapshot: the handshake resumed from lastSeq.
    expect(again.snapshots).toHaveLength(0);
    const replayed = again.facts();
    expect(replayed.map((f) => (f.type === 'incident' ? f.incident.id : f.type))).toEqual(missedIds);
    expect(replayed.map((f) => f.seq)).toEqual(Array.from({ length: N }, (_, k) => lastSeq + 1 + k));
    expect(again.batches[0]!.fromSeq).toBe(lastSeq + 1);

    // And it carries on live after the replay, without a gap.
    await ingest(server.url, [patrolReport()]);
    await again.until(() => again.facts().length === N + 1, 'the next live change');
    expect(again.facts()[N]!.seq).toBe(lastSeq + N + 1);
  });

  it('resume on demand answers with the missed changes and an acknowledgement', async () => {
    const c = connect();
    await c.until(() => c.snapshots.length === 1, 'snapshot');
    const from = c.snapshots[0]!.seq;
    await ingest(server.url, [patrolReport(), patrolReport()]);
    await c.until(() => c.facts().length >= 2, 'two changes');
    const before = c.batches.length;
    const ack = await c.socket.timeout(5000).emitWithAck('resume', { lastSeq: from });
    expect(ack).toEqual({ ok: true, mode: 'changes', toSeq: c.lastSeq() });
    const resent = c.batches.slice(before).flatMap((b) => b.changes).filter((ch) => ch.type === 'incident');
    expect(resent.map((ch) => ch.seq)).toEqual([from + 1, from + 2]);
  });

  it('answers a resume from too far back with a fresh snapshot', async () => {
    const c = connect();
    await c.until(() => c.snapshots.length === 1, 'snapshot');
    const ack = await c.socket.timeout(5000).emitWithAck('resume', { lastSeq: 10_000_000 });
    expect(ack).toMatchObject({ ok: true, mode: 'snapshot' });
    await c.until(() => c.snapshots.length === 2, 'second snapshot');
  });

  it('refuses a malformed resume with a typed error', async () => {
    const c = connect();
    await c.until(() => c.snapshots.length === 1, 'snapshot');
    const ack = await c.socket.timeout(5000).emitWithAck('resume', { lastSeq: 'yesterday' } as never);
    expect(ack).toMatchObject({ ok: false, code: 'bad_request' });
  });
});
