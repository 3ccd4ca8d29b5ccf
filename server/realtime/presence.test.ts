import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient, ingest, login, patrolReport, startTestServer } from '../testing/harness.ts';

describe('also viewing', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('tells other desk users who has an incident open, and when they leave', async () => {
    const id = (await ingest(server.url, [patrolReport()])).body.results[0].incidentId as string;
    const a = new LiveClient(server.url, await login(server.url, 'dispatcher'));
    const b = new LiveClient(server.url, await login(server.url, 'supervisor'));
    const officer = new LiveClient(server.url, await login(server.url, 'officer'));
    await Promise.all([a, b, officer].map((c) => c.until(() => c.snapshots.length === 1, 'snapshot')));

    a.socket.emit('presence:view', { incidentId: id });
    await b.until(() => b.presence.some((p) => p.incidentId === id && p.viewers.length === 1), 'presence of the dispatcher');
    expect(b.presence.at(-1)).toEqual({ incidentId: id, viewers: [{ userId: a.hello!.user.id, displayName: a.hello!.user.displayName }] });

    b.socket.emit('presence:view', { incidentId: id });
    await a.until(() => a.presence.some((p) => p.incidentId === id && p.viewers.length === 2), 'both viewers');
    await b.until(() => b.presence.some((p) => p.incidentId === id && p.viewers.length === 2), 'both viewers, for b');

    a.close();
    const onlyB = () => b.presence.at(-1)?.viewers.map((v) => v.userId).join() === b.hello!.user.id;
    await b.until(onlyB, 'the dispatcher leaving');
    // Junk is ignored, and officers are told nothing about desk presence.
    b.socket.emit('presence:view', { incidentId: '../../etc' } as never);
    expect(officer.presence).toEqual([]);
    b.close();
    officer.close();
  });
});
