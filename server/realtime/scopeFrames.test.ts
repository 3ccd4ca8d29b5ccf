// Every frame a socket receives, captured raw: an officer's stream carries nothing about another
// district while it is busy; the auditor's carries the city's cases but no unit positions.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LiveClient, SAMPLE_CATEGORY, getJson, ingest, login, patrolReport, postJson, startTestServer } from '../testing/harness.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

function capture(client: LiveClient): string[] {
  const frames: string[] = [];
  client.socket.onAny((event, ...args) => frames.push(JSON.stringify([event, ...args])));
  return frames;
}

describe('what each socket receives, frame by frame', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it("an officer's socket receives no frame about another district while it is busy; the auditor's no unit positions", async () => {
    const officerCookie = await login(server.url, 'officer');
    const dispatcher = await login(server.url, 'dispatcher');
    const me = (await getJson(server.url, '/api/auth/me', { cookie: officerCookie })).body.user;
    const officer = new LiveClient(server.url, officerCookie);
    const auditor = new LiveClient(server.url, await login(server.url, 'auditor'));
    const officerFrames = capture(officer);
    const auditorFrames = capture(auditor);
    await officer.until(() => officer.snapshots.length === 1, 'officer snapshot');
    await auditor.until(() => auditor.snapshots.length === 1, 'auditor snapshot');

    // The other district gets busy: cases opened, triaged, dispatched; its units move.
    const away = server.city.addresses.filter((a) => a.districtId !== me.districtId);
    const awayUnits = server.city.units.filter((u) => u.homeDistrictId !== me.districtId && u.status === 'available').slice(0, 5);
    const reports = away.filter((_, i) => i % 97 === 0).slice(0, 12).map((a) => patrolReport({ payload: { category: SAMPLE_CATEGORY, text: `elsewhere ${a.name}`, location: a.location } }));
    const ids: string[] = (await ingest(server.url, reports)).body.results.map((r: { incidentId: string }) => r.incidentId);
    for (const [i, id] of ids.slice(0, awayUnits.length).entries()) {
      await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'triage', version: 1, category: SAMPLE_CATEGORY, severity: 'high' }, { cookie: dispatcher });
      const res = await postJson(server.url, `/api/incidents/${id}/actions`, { action: 'dispatch', version: 2, unitId: awayUnits[i]!.id, reason: 'busy' }, { cookie: dispatcher });
      expect(res.status).toBe(200);
      await postJson(server.url, `/api/units/${awayUnits[i]!.id}/position`, { location: away[i]!.location, at: new Date().toISOString() }, { cookie: dispatcher });
    }
    // Then one case in the officer's own district, as a marker that the stream has caught up.
    const here = server.city.addresses.find((a) => a.districtId === me.districtId)!;
    const [marker] = (await ingest(server.url, [patrolReport({ payload: { category: SAMPLE_CATEGORY, text: 'marker', location: here.location } })])).body.results.map((r: { incidentId: string }) => r.incidentId);
    await officer.until(() => officer.facts().some((c) => c.type === 'incident' && c.incident.id === marker), 'marker');
    await auditor.until(() => auditor.facts().some((c) => c.type === 'incident' && c.incident.id === marker), 'marker (auditor)');

    const officerText = officerFrames.join('\n');
    const leaks = [...ids, ...awayUnits.map((u) => u.id)].filter((id) => officerText.includes(`"${id}"`));
    expect(leaks).toEqual([]);
    for (const frame of officerFrames) {
      const [event] = JSON.parse(frame) as [string];
      expect(['hello', 'snapshot', 'changes']).toContain(event);
    }
    expect(officerText).not.toContain('"type":"metrics"');
    expect(officerText).toContain(marker);

    // The auditor sees the busy district's cases, but never where a unit is.
    const auditorText = auditorFrames.join('\n');
    expect(ids.every((id) => auditorText.includes(id))).toBe(true);
    expect(auditorText).not.toContain('"type":"unit"');
    expect(auditor.snapshots[0]!.units).toEqual([]);
    officer.close();
    auditor.close();
  });
});
