// In Chromium, under the server's strict CSP: incident texts and names from a corpus of XSS
// payloads render as text on every page (dispatch, field, supervise, big-screen feed, admin) —
// no script runs, no element is injected, no CSP violation is reported by the app itself — and
// the admin page manages accounts, shows a new key once, and ends sessions.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { titleFrom } from '../../shared/domain/incidentFactory.ts';
import { browserUnavailable, screenshot, signIn, startWorld, type BrowserWorld } from './browserHarness.ts';
import { getJson, ingest, login, postJson } from '../../server/testing/harness.ts';
import { demoOfficerUnit } from '../../server/services/demoSeed.ts';

const skip = browserUnavailable();

const CORPUS = [
  '<script>window.__xss=1</script>井盖缺失',
  '<img src=x onerror="window.__xss=1">路灯不亮',
  '<svg onload=window.__xss=1>积水',
  '"><iframe src="javascript:window.__xss=1"></iframe>',
  '<a href="javascript:window.__xss=1">点我</a> 占道经营',
  "{{constructor.constructor('window.__xss=1')()}}",
  '<details open ontoggle=window.__xss=1>噪音扰民</details>',
  '\u202Egnp.exe <b>bold</b> &lt;escaped&gt; &amp;',
];

/** Collects CSP violations the page reports, from the first script on. */
async function watchPage(page: Page): Promise<{ csp: () => Promise<string[]>; dialogs: string[] }> {
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __csp: string[] };
    w.__csp = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  return { csp: () => page.evaluate(() => (window as unknown as { __csp: string[] }).__csp ?? []), dialogs };
}

/** Nothing ran and nothing was injected into the app's DOM. */
async function expectInert(page: Page, what: string): Promise<void> {
  const found = await page.evaluate(() => ({
    xss: (window as unknown as { __xss?: number }).__xss ?? null,
    injected: document.querySelectorAll('#root script, #root iframe, #root svg[onload], #root img[src="x"], #root details[ontoggle], #root a[href^="javascript"], #root b').length,
  }));
  expect(found, what).toEqual({ xss: null, injected: 0 });
}

describe.skipIf(skip !== null)('XSS payloads render as text under the CSP, on every page', () => {
  let world: BrowserWorld;
  const ids: string[] = [];
  let fieldId = '';
  let resolvedId = '';

  beforeAll(async () => {
    world = await startWorld();
    const url = world.server.url;
    const unit = demoOfficerUnit(world.server.city)!;
    // Far-apart places, so no call is linked to another as a repeat; the two that go to the
    // officer lie in the officer's district, as far from each other as it allows.
    const all = world.server.city.addresses;
    const home = all.filter((a) => a.districtId === unit.homeDistrictId);
    const far = (from: (typeof all)[number]) => home.reduce((best, a) => (Math.hypot(a.location[0] - from.location[0], a.location[1] - from.location[1]) > Math.hypot(best.location[0] - from.location[0], best.location[1] - from.location[1]) ? a : best));
    const places = all.filter((a) => a.districtId !== unit.homeDistrictId).filter((_, i, list) => i % Math.floor(list.length / CORPUS.length) === 0);
    places[1] = home[0]!;
    places[2] = far(home[0]!);
    const calls = CORPUS.map((text, i) => ({
      source: 'hotline',
      sourceEventId: `xss-${Date.now()}-${i}`,
      occurredAt: new Date().toISOString(),
      payload: { callId: `xss-${i}`, caller: { name: `<b>${i}</b>`, phone: `1380000000${i}` }, text, location: places[i]!.location, wantsCallback: false },
    }));
    // One call each, so repeats are not folded together.
    for (const call of calls) {
      const res = await ingest(url, [call]);
      ids.push(res.body.results[0].incidentId);
    }
    expect(new Set(ids).size).toBe(CORPUS.length);
    const dispatcher = await login(url, 'dispatcher');
    const officer = await login(url, 'officer');
    const category = unit.skills[0]!;
    const dispatchTo = async (id: string) => {
      const detail = (await getJson(url, `/api/incidents/${id}`, { cookie: dispatcher })).body;
      if (detail.status !== 'new') return null;
      await postJson(url, `/api/incidents/${id}/actions`, { action: 'triage', version: detail.version, category, severity: 'high' }, { cookie: dispatcher });
      const res = await postJson(url, `/api/incidents/${id}/actions`, { action: 'dispatch', version: detail.version + 1, unitId: unit.id, reason: 'xss test' }, { cookie: dispatcher });
      expect(res.status).toBe(200);
      return (await getJson(url, `/api/incidents/${id}`, { cookie: dispatcher })).body.tasks[0];
    };
    // Two cases go to the officer: one stays open on the phone, one is resolved for the supervisor.
    fieldId = ids[1]!;
    await dispatchTo(fieldId);
    resolvedId = ids[2]!;
    const task = await dispatchTo(resolvedId);
    const accepted = await postJson(url, `/api/tasks/${task.id}/actions`, { action: 'accept', version: task.version }, { cookie: officer });
    const resolved = await postJson(url, `/api/tasks/${task.id}/actions`, { action: 'resolve', version: accepted.body.version, note: CORPUS[3] }, { cookie: officer });
    expect(resolved.status).toBe(200);
    // A display name from the corpus, for the admin page and the top bar.
    const admin = await login(url, 'admin');
    const created = await postJson(url, '/api/admin/users', { username: 'xss-user', password: 'long enough', role: 'dispatcher', displayName: CORPUS[1] }, { cookie: admin });
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await world?.close();
  });

  it('dispatch: the queue and each detail show the payloads as text', async () => {
    const s = await signIn(world, 'dispatcher');
    await s.page.waitForURL(/\/dispatch/);
    // Watch from the first script on: reload with the listener in place.
    const watch = await watchPage(s.page);
    await s.page.reload();
    await s.page.waitForURL(/\/dispatch/);
    for (const [i, id] of ids.entries()) {
      if (id === fieldId || id === resolvedId) continue;
      const item = s.page.locator(`[data-testid="queue-item"][data-incident-id="${id}"]`);
      await item.waitFor();
      expect(await item.locator('.queue__title').innerText()).toBe(titleFrom(CORPUS[i]!).trim());
      await item.click();
      const text = s.page.locator(`[data-testid="incident-detail"][data-incident-id="${id}"] .detail__text`);
      await text.waitFor();
      expect(await text.innerText()).toBe(CORPUS[i]!.trim());
    }
    await expectInert(s.page, 'dispatch');
    await screenshot(s.page, 'security-xss-dispatch');
    expect(await watch.csp()).toEqual([]);
    expect(watch.dialogs).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  it('field: the task text on the phone is text', async () => {
    const s = await signIn(world, 'officer', { width: 375, height: 667 });
    await s.page.waitForURL(/\/field/);
    // Watch from the first script on: reload with the listener in place.
    const watch = await watchPage(s.page);
    await s.page.reload();
    await s.page.waitForURL(/\/field/);
    const text = s.page.locator('[data-testid="task"] .task__text', { hasText: 'onerror' });
    await text.waitFor();
    expect(await text.innerText()).toBe(CORPUS[1]!.trim());
    await expectInert(s.page, 'field');
    expect(await watch.csp()).toEqual([]);
    expect(watch.dialogs).toEqual([]);
    await s.context.close();
  });

  it('supervise: the resolved case awaiting verification is text', async () => {
    const s = await signIn(world, 'supervisor');
    await s.page.waitForURL(/\/supervise/);
    // Watch from the first script on: reload with the listener in place.
    const watch = await watchPage(s.page);
    await s.page.reload();
    await s.page.waitForURL(/\/supervise/);
    const text = s.page.locator(`[data-testid="verify-item"][data-incident-id="${resolvedId}"] .task__text`);
    await text.waitFor();
    expect(await text.innerText()).toBe(CORPUS[2]!.trim());
    await expectInert(s.page, 'supervise');
    expect(await watch.csp()).toEqual([]);
    expect(watch.dialogs).toEqual([]);
    await s.context.close();
  });

  it('big screen: the live feed shows the payload titles as text, with the map and charts running under the CSP', async () => {
    const s = await signIn(world, 'operator');
    await s.page.waitForURL(/\/screen/);
    // Watch from the first script on: reload with the listener in place.
    const watch = await watchPage(s.page);
    await s.page.reload();
    await s.page.waitForURL(/\/screen/);
    await s.page.waitForSelector('[data-testid="city-map"][data-map-state="loaded"]', { timeout: 60_000 });
    // A payload arriving live, after the page loaded.
    const late = '<img src=x onerror="window.__xss=2">后到的';
    const unit = demoOfficerUnit(world.server.city)!;
    const res = await ingest(world.server.url, [
      { source: 'hotline', sourceEventId: `xss-late-${Date.now()}`, occurredAt: new Date().toISOString(), payload: { callId: 'late', caller: { name: 'x', phone: '13800000099' }, text: late, location: unit.position, wantsCallback: false } },
    ]);
    const lateId = res.body.results[0].incidentId as string;
    const item = s.page.locator(`[data-testid="feed-item"][data-incident-id="${lateId}"] .feed__what`);
    await item.waitFor({ timeout: 10_000 });
    expect(await item.innerText()).toBe(titleFrom(late));
    await expectInert(s.page, 'screen');
    await screenshot(s.page, 'security-xss-screen');
    expect(await watch.csp()).toEqual([]);
    expect(watch.dialogs).toEqual([]);
    expect(s.errors).toEqual([]);
    await s.context.close();
  });

  it('admin: names from the corpus are text; accounts, a key shown once, and sessions are managed on the page', async () => {
    const s = await signIn(world, 'admin', { width: 1440, height: 900 });
    await s.page.waitForURL(/\/admin/);
    // Watch from the first script on: reload with the listener in place.
    const watch = await watchPage(s.page);
    await s.page.reload();
    await s.page.waitForURL(/\/admin/);
    const row = s.page.locator('[data-testid="admin-user"][data-username="xss-user"]');
    await row.waitFor();
    expect(await row.locator('.admin__muted').first().innerText()).toBe(CORPUS[1]!.trim());

    // Create an account through the form.
    const form = s.page.locator('[data-testid="admin-new-user"]');
    await form.locator('input[name="username"]').fill('newdispatcher');
    await form.locator('input[name="displayName"]').fill('新调度员');
    await form.locator('input[name="password"]').fill('a long password');
    await form.locator('select[name="role"]').selectOption('dispatcher');
    await form.locator('button[type="submit"]').click();
    await s.page.locator('[data-testid="admin-user"][data-username="newdispatcher"]').waitFor();

    // A key is shown once; the list holds its name, never the key.
    await s.page.fill('input[name="keyName"]', 'river gauges');
    await s.page.click('text=/Create key|创建密钥/');
    const shown = await s.page.locator('[data-testid="admin-new-key"] code').innerText();
    expect(shown).toMatch(/^ck_[A-Za-z0-9_-]{20,}$/);
    const keys = await getJson(world.server.url, '/api/admin/api-keys', { cookie: await login(world.server.url, 'admin') });
    expect(JSON.stringify(keys.body)).not.toContain(shown);
    const works = await postJson(world.server.url, '/api/ingest/events', { events: [] }, { authorization: `Bearer ${shown}` });
    expect(works.status).toBe(400); // authenticated; an empty batch is the 400 of the contract

    // Disable the xss user: their row greys out.
    await row.locator('[data-action="disable"]').click();
    await row.locator('[data-action="enable"]').waitFor();
    await expectInert(s.page, 'admin');
    await screenshot(s.page, 'security-admin');
    expect(await watch.csp()).toEqual([]);
    expect(watch.dialogs).toEqual([]);
    expect(s.errors).toEqual([]);

    // The auditor sees the audit lookup only, and can read what the admin just did.
    const auditor = await signIn(world, 'auditor', { width: 1440, height: 900 });
    await auditor.page.waitForURL(/\/admin/);
    expect(await auditor.page.locator('[data-testid="admin-new-user"]').count()).toBe(0);
    const xssUser = (await getJson(world.server.url, '/api/admin/users', { cookie: await login(world.server.url, 'admin') })).body.items.find((u: { username: string }) => u.username === 'xss-user');
    await auditor.page.selectOption('select', 'user');
    await auditor.page.fill('input[name="auditId"]', xssUser.id);
    await auditor.page.click('text=/Look up|查询/');
    await auditor.page.locator('text=user_update').waitFor();
    await screenshot(auditor.page, 'security-auditor');
    await auditor.context.close();
    await s.context.close();
  });
});
