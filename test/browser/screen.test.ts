import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserUnavailable, screenshot, signIn, startWorld, type BrowserWorld } from './browserHarness.ts';
import { ingest, login, patrolReport } from '../../server/testing/harness.ts';

const skip = browserUnavailable();

describe.skipIf(skip !== null)('big screen in Chromium', () => {
  let world: BrowserWorld;
  const operatorCookie = () => login(world.server.url, 'operator');

  beforeAll(async () => {
    world = await startWorld();
  });
  afterAll(async () => {
    await world?.close();
  });

  it('the operator signs in, sees the city map load, and a new incident reaches the live feed', async () => {
    const { page, offsite, errors } = await signIn(world, 'operator');
    await page.waitForURL(/\/screen/);
    // The map says when its style, streets and districts are loaded; no fixed wait.
    await page.waitForSelector('[data-testid="city-map"][data-map-state="loaded"]', { timeout: 60_000 });

    const res = await ingest(world.server.url, [patrolReport()]);
    const incidentId = res.body.results[0].incidentId as string;
    const started = Date.now();
    await page.waitForSelector(`[data-testid="feed-item"][data-incident-id="${incidentId}"]`, { timeout: 5_000 });
    expect(Date.now() - started).toBeLessThan(5_000);

    // The vital signs follow the server's figures, pushed a moment later.
    await page.waitForFunction(() => Number(document.querySelector('[data-testid="kpi-openIncidents"]')?.getAttribute('data-value')) >= 1, undefined, { timeout: 10_000 });
    const summary = await fetch(`${world.server.url}/api/metrics/summary`, { headers: { cookie: await operatorCookie() } }).then((r) => r.json());
    expect(Number(await page.getAttribute('[data-testid="kpi-openIncidents"]', 'data-value'))).toBe(summary.openIncidents);
    await screenshot(page, 'screen-1920x1080');
    expect(offsite).toEqual([]);
    expect(errors).toEqual([]);
  });

  it('says plainly when the connection is lost', async () => {
    const { page } = await signIn(world, 'operator', { width: 1366, height: 768 });
    await page.waitForURL(/\/screen/);
    await page.waitForSelector('[data-testid="kpi-openIncidents"]:not([data-value=""])');
    expect(await page.locator('[data-testid="connection-banner"]').count()).toBe(0);
    await page.context().setOffline(true);
    // setOffline does not close an open WebSocket; ending the server side's sockets does.
    world.server.hub.disconnectAll();
    await page.waitForSelector('[data-testid="connection-banner"]', { timeout: 5_000 });
    await screenshot(page, 'screen-offline-1366x768');
    await page.context().setOffline(false);
    await page.waitForSelector('[data-testid="connection-banner"]', { state: 'detached', timeout: 15_000 });
    // Resumed: what happened while it was away is on the screen.
    const res = await ingest(world.server.url, [patrolReport()]);
    await page.waitForSelector(`[data-testid="feed-item"][data-incident-id="${res.body.results[0].incidentId}"]`, { timeout: 5_000 });
  });
});
