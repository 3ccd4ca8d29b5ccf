// A case goes yellow, then red on the dispatcher's queue as the server's injected clock advances,
// and the supervisor sees it escalated (督办).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, screenshot, signIn, startWorld, type BrowserWorld } from './browserHarness.ts';
import { ingest } from '../../server/testing/harness.ts';
import { demoOfficerUnit } from '../../server/services/demoSeed.ts';

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

  it('an officer asks for an extension from the phone; the supervisor approves it and the clock stops', async () => {
    nowMs = Date.now();
    const unit = demoOfficerUnit(world.server.city)!;
    const call = {
      source: 'patrol',
      sourceEventId: `deadline-field-${Date.now()}`,
      occurredAt: new Date().toISOString(),
      payload: { category: unit.skills[0]!, text: '需要处置的问题', location: unit.position },
    };
    const id = (await ingest(world.server.url, [call])).body.results[0].incidentId as string;
    const desk = { id: 'desk', role: 'dispatcher' as const };
    let incident = (await world.server.store.getIncident(id))!;
    if (incident.status === 'new') {
      const triaged = await world.server.incidents.act(id, { action: 'triage', version: incident.version, category: unit.skills[0]!, severity: 'medium' }, desk, new Date());
      expect(triaged.ok).toBe(true);
      incident = (await world.server.store.getIncident(id))!;
    }
    const dispatched = await world.server.incidents.act(id, { action: 'dispatch', version: incident.version, unitId: unit.id, reason: 'test' }, desk, new Date());
    expect(dispatched.ok).toBe(true);

    const officer = await signIn(world, 'officer', { width: 375, height: 667 });
    const o = officer.page;
    await o.waitForURL(/\/field/);
    const card = o.locator('[data-testid="task"]').filter({ has: o.locator('[data-testid="deadline-light"]') }).first();
    await card.waitFor();
    expect(await card.locator('[data-testid="deadline-light"]').getAttribute('data-light')).toBe('green');
    await card.locator('[data-action="request-clock"]').click();
    await card.locator('input[name="clock-reason"]').fill('等待管网图纸');
    await card.locator('[data-action="send-clock-request"]').click();
    await card.locator('.clock-request [role="status"]').waitFor();
    await screenshot(o, 'deadlines-5-field-request');

    const supervisor = await signIn(world, 'supervisor');
    const s = supervisor.page;
    await s.waitForURL(/\/supervise/);
    const item = s.locator('[data-testid="approval-item"]').first();
    await item.waitFor();
    await screenshot(s, 'deadlines-6-approvals');
    await item.locator('[data-action="approve"]').click();
    await o.waitForSelector('[data-testid="task"] [data-testid="deadline-light"][data-paused="yes"]');
    await screenshot(o, 'deadlines-7-field-paused');
    const actions = (await world.server.store.audit('incident', id)).map((e) => e.action);
    expect(actions).toEqual(expect.arrayContaining(['request_extension', 'approve_extension']));
    expect([...officer.errors, ...supervisor.errors]).toEqual([]);
  });
});
