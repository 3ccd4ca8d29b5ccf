// A case goes yellow, then red on the dispatcher's queue as the server's injected clock advances,
// and the supervisor sees it escalated (督办).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, screenshot, signIn, startWorld, type BrowserWorld } from './browserHarness.ts';
import { ingest } from '../../server/testing/harness.ts';

const skip = browserUnavailable();

describe.skipIf(skip !== null)('deadlines in the browser', () => {
  let world: BrowserWorld;
  let nowMs = Date.now();
  beforeAll(async () => {
    // The scheduler runs when the test says (a tick period longer than the test).
    world = await startWorld({ clock: () => new Date(nowMs), deadlineTickMs: 3_600_000 });
  });
  afterAll(async () => {
    await world?.close();
  });

  it('yellow at 80% and red when overdue on the queue; escalated on the supervisor page', async () => {
    const place = world.server.city.addresses[0]!;
    const report = {
      source: 'patrol',
      sourceEventId: `deadline-${Date.now()}`,
      occurredAt: new Date().toISOString(),
      payload: { category: 'municipal.drainage.waterlogging', text: '下穿通道积水，车辆无法通行', location: place.location },
    };
    const id = (await ingest(world.server.url, [report])).body.results[0].incidentId as string;
    const created = Date.parse((await world.server.store.getIncident(id))!.createdAt);

    const dispatcher = await signIn(world, 'dispatcher');
    const d = dispatcher.page;
    await d.waitForURL(/\/dispatch/);
    const light = (color: string) => `[data-testid="queue-item"][data-incident-id="${id}"] [data-testid="deadline-light"][data-light="${color}"]`;
    await d.waitForSelector(light('green'));

    // 8.5 of its 10 minutes to dispatch: 催办, the light turns yellow.
    nowMs = created + 8.5 * 60_000;
    expect(await world.server.deadlines.tick()).toBe(1);
    await d.waitForSelector(light('yellow'));
    await screenshot(d, 'deadlines-1-queue-yellow');

    // Past the limit: 督办 level 1, red.
    nowMs = created + 10.5 * 60_000;
    expect(await world.server.deadlines.tick()).toBe(1);
    await d.waitForSelector(light('red'));
    await d.click(`[data-testid="queue-item"][data-incident-id="${id}"]`);
    await d.waitForSelector(`[data-testid="incident-detail"][data-incident-id="${id}"] [data-testid="escalation-mark"]`);
    await screenshot(d, 'deadlines-2-queue-red');

    const supervisor = await signIn(world, 'supervisor');
    const s = supervisor.page;
    await s.waitForURL(/\/supervise/);
    const row = s.locator(`[data-testid="overdue-item"][data-incident-id="${id}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-escalation')).toBe('1');
    expect(await row.locator('[data-testid="deadline-light"]').getAttribute('data-light')).toBe('red');
    await s.locator('[data-testid="performance-row"]').first().waitFor();
    await screenshot(s, 'deadlines-3-supervisor');

    const admin = await signIn(world, 'admin');
    await admin.page.waitForURL(/\/admin/);
    await admin.page.goto(`${world.server.url}/admin/deadlines`);
    await admin.page.locator('[data-testid="profile-row"]').first().waitFor();
    await screenshot(admin.page, 'deadlines-4-admin');

    expect([...dispatcher.errors, ...supervisor.errors, ...admin.errors]).toEqual([]);
    expect([...dispatcher.offsite, ...supervisor.offsite, ...admin.offsite]).toEqual([]);
  });
});
