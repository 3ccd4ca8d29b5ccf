import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, screenshot, signIn, startWorld, type BrowserWorld } from './browserHarness.ts';
import { ingest } from '../../server/testing/harness.ts';
import { demoOfficerUnit } from '../../server/services/demoSeed.ts';

const skip = browserUnavailable();

describe.skipIf(skip !== null)('the closed loop, each role in its own browser', () => {
  let world: BrowserWorld;
  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('call → triage and dispatch → accept, arrive, resolve with a photo on a phone → verify, close and rate → closed on the big screen', async () => {
    // A call right where the officer's unit stands, about something it is skilled for.
    const unit = demoOfficerUnit(world.server.city)!;
    const category = unit.skills[0]!;
    const call = {
      source: 'hotline',
      sourceEventId: `loop-${Date.now()}`,
      occurredAt: new Date().toISOString(),
      payload: { callId: 'loop-1', caller: { name: '周敏', phone: '13600001111' }, text: '这里有问题需要处理，请尽快派人。', location: unit.position, wantsCallback: true },
    };
    const incidentId = (await ingest(world.server.url, [call])).body.results[0].incidentId as string;

    const screen = await signIn(world, 'operator');
    await screen.page.waitForURL(/\/screen/);

    // Dispatcher: pick it from the queue, triage, dispatch the first recommended unit.
    const dispatcher = await signIn(world, 'dispatcher');
    const d = dispatcher.page;
    await d.waitForURL(/\/dispatch/);
    // The queue's view lives in the URL, so it can be saved and shared.
    await d.selectOption('select[name="sort"]', 'age');
    await d.waitForURL(/sort=age/);
    await d.selectOption('select[name="district"]', unit.homeDistrictId);
    await d.waitForURL(new RegExp(`district=${unit.homeDistrictId}`));
    await d.click(`[data-testid="queue-item"][data-incident-id="${incidentId}"]`);
    await d.waitForSelector(`[data-testid="incident-detail"][data-incident-id="${incidentId}"]`);
    await d.selectOption('select[name="category"]', category);
    await d.click('[data-action="triage"]');
    await d.waitForSelector(`[data-testid="incident-detail"][data-status="triaged"]`);
    const first = d.locator('[data-testid="recommendations"] li').first();
    await first.waitFor();
    expect(await first.getAttribute('data-unit-id')).toBe(unit.id);
    await screenshot(d, 'loop-1-dispatch');
    await first.locator('[data-action="dispatch"]').click();
    await d.waitForSelector(`[data-testid="incident-detail"][data-status="dispatched"]`);

    // Officer, on a phone: accept, arrive, resolve with a note.
    const officer = await signIn(world, 'officer', { width: 375, height: 667 });
    const o = officer.page;
    // On duty, the phone shares where the unit is.
    const here: [number, number] = [unit.position[0] + 0.001, unit.position[1] + 0.001];
    await officer.context.grantPermissions(['geolocation']);
    await officer.context.setGeolocation({ longitude: here[0], latitude: here[1] });
    await o.waitForURL(/\/field/);
    await o.waitForSelector('[data-testid="gps-state"].gps--on');
    const task = o.locator('[data-testid="task"]').first();
    await task.waitFor();
    await screenshot(o, 'loop-2-field');
    await task.locator('[data-action="accept"]').click();
    await o.waitForSelector('[data-testid="task"][data-status="accepted"]');
    await task.locator('[data-action="arrive"]').click();
    await o.waitForSelector('[data-testid="task"][data-status="on_scene"]');
    await task.locator('textarea[name="note"]').fill('已现场处置完毕');
    // The photo picker speaks the page's language, not the browser's: its native button is out of sight.
    await expect.poll(() => task.locator('.photo-pick__button').textContent()).toBe('拍照或选择照片');
    expect((await task.locator('input[name="photo"]').boundingBox())?.width).toBeLessThanOrEqual(1);
    await screenshot(o, 'loop-2-field-on-scene');
    // A photo of the result, taken with the phone's camera (here: a real 1×1 PNG).
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
    await task.locator('input[name="photo"]').setInputFiles({ name: 'after.png', mimeType: 'image/png', buffer: png });
    await o.waitForSelector('.photo-pick__button--done >> text=照片已上传');
    await task.locator('[data-action="resolve"]').click();
    await o.waitForSelector('[data-testid="task"]', { state: 'detached' });

    // Supervisor: verify and close.
    const supervisor = await signIn(world, 'supervisor');
    const s = supervisor.page;
    await s.waitForURL(/\/supervise/);
    const item = s.locator(`[data-testid="verify-item"][data-incident-id="${incidentId}"]`);
    await item.waitFor();
    // The evidence photo is there for the supervisor, and it loaded.
    await s.waitForFunction((sel) => {
      const img = document.querySelector(sel) as HTMLImageElement | null;
      return img !== null && img.complete && img.naturalWidth === 1;
    }, `[data-testid="verify-item"][data-incident-id="${incidentId}"] [data-testid="evidence"]`);
    await screenshot(s, 'loop-3-supervise');
    await item.locator('[data-action="verify"]').click();
    await item.waitFor({ state: 'detached' });
    // The caller is called back: record their satisfaction.
    const callback = s.locator(`[data-testid="callback-item"][data-incident-id="${incidentId}"]`);
    await callback.locator('[data-action="rate-satisfied"]').click();
    await callback.waitFor({ state: 'detached' });

    // The big screen saw it close.
    await screen.page.waitForSelector(`[data-testid="feed-item"][data-incident-id="${incidentId}"][data-status="closed"]`, { timeout: 5_000 });
    await screenshot(screen.page, 'loop-4-screen');
    const units = await (await fetch(`${world.server.url}/api/units`, { headers: { cookie: (await supervisor.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })).json();
    expect(units.items.find((u: { id: string }) => u.id === unit.id).position).toEqual(here);
    const detail = await (await fetch(`${world.server.url}/api/incidents/${incidentId}`, { headers: { cookie: (await supervisor.context.cookies()).map((c) => `${c.name}=${c.value}`).join('; ') } })).json();
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['create', 'triage', 'dispatch', 'accept', 'arrive', 'resolve', 'verify', 'rate']);
    expect(detail.satisfaction).toBe('satisfied');
    for (const who of [screen, dispatcher, officer, supervisor]) {
      expect(who.offsite).toEqual([]);
      expect(who.errors).toEqual([]);
    }
  });
});
