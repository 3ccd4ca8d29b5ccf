// The big screen as the operations room sees it: three screen sizes without overlap or clipped
// text, vital signs equal to the server's summary, both languages complete, and honest about a
// server that goes away and comes back.

import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { browserUnavailable, screenshot, signIn, startWorld, type BrowserWorld } from './browserHarness.ts';
import { getJson, ingest, login } from '../../server/testing/harness.ts';
import { startCityServer, type CityServer } from '../../server/app.ts';
import { loadCityReference } from '../../server/services/cityReference.ts';
import { KPI_NAMES } from '../../client/features/kpis/kpiFormat.ts';
import { en } from '../../shared/i18n/en.ts';
import { zhCN } from '../../shared/i18n/zh-CN.ts';

const skip = browserUnavailable();
const city = loadCityReference();
const categories = [...city.categories.keys()];
const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;

/** Reports spread over the city, with a mix of categories and severities. */
function reports(n: number, tag: string) {
  return Array.from({ length: n }, (_, i) => {
    const place = city.addresses[(i * 37) % city.addresses.length]!;
    return {
      source: 'patrol',
      sourceEventId: `${tag}-${i}`,
      occurredAt: new Date().toISOString(),
      payload: { category: categories[i % categories.length]!, severity: SEVERITIES[(i % 7) % 4], text: `巡查发现问题 #${i}`, location: place.location },
    };
  });
}

/** The boxes that must not overlap, and every text run that must be whole and inside its panel. */
async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const problems: string[] = [];
    const rect = (el: Element) => el.getBoundingClientRect();
    const name = (el: Element) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')}${el.getAttribute('data-testid') ? `[${el.getAttribute('data-testid')}]` : ''}`;
    const vw = window.innerWidth;
    const vh = window.innerHeight;
    const panels = [...document.querySelectorAll('.topbar, .kpi, .screen__map, .feed, .hotspots, .chart')];
    if (panels.length < 15) problems.push(`only ${panels.length} panels`);
    for (const p of panels) {
      const r = rect(p);
      if (r.width < 20 || r.height < 20) problems.push(`${name(p)} collapsed ${r.width}x${r.height}`);
      if (r.left < -0.5 || r.top < -0.5 || r.right > vw + 0.5 || r.bottom > vh + 0.5) problems.push(`${name(p)} outside the viewport`);
    }
    for (let i = 0; i < panels.length; i++) {
      for (let j = i + 1; j < panels.length; j++) {
        const a = rect(panels[i]!);
        const b = rect(panels[j]!);
        const overlap = Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5;
        if (overlap) problems.push(`${name(panels[i]!)} overlaps ${name(panels[j]!)}`);
      }
    }
    // Overlays on the map: inside the map, and not on top of one another.
    const map = document.querySelector('.screen__map')!.getBoundingClientRect();
    const overlays = [...document.querySelectorAll('.map-toggles, .legend, .map-card')];
    for (const o of overlays) {
      const r = rect(o);
      if (r.left < map.left - 0.5 || r.right > map.right + 0.5 || r.top < map.top - 0.5 || r.bottom > map.bottom + 0.5) problems.push(`${name(o)} spills out of the map`);
    }
    for (let i = 0; i < overlays.length; i++) {
      for (let j = i + 1; j < overlays.length; j++) {
        const a = rect(overlays[i]!);
        const b = rect(overlays[j]!);
        if (Math.min(a.right, b.right) - Math.max(a.left, b.left) > 0.5 && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 0.5) problems.push(`${name(overlays[i]!)} overlaps ${name(overlays[j]!)}`);
      }
    }
    // Every text run: whole (not cut by its own box) and inside its panel. Ellipsis is allowed only
    // where the design truncates on purpose (free text such as places and titles).
    const truncatable = '.feed__what, .feed__where, .hotspots__what';
    const walker = document.createTreeWalker(document.querySelector('.screen')!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent?.trim();
      const el = node.parentElement;
      if (!text || !el || el.closest('.maplibregl-ctrl-attrib')) continue;
      const item = el.closest('.feed__item');
      if (item) {
        // Feed entries that do not fit wrap into a hidden column: wholly out of view is fine.
        const list = item.parentElement!.getBoundingClientRect();
        const r = rect(item);
        if (r.left >= list.right - 0.5 || r.top >= list.bottom - 0.5) continue;
        if (r.bottom > list.bottom + 0.5) problems.push(`feed entry cut at the bottom: ${text}`);
      }
      if (el.closest(truncatable)) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      const r = range.getBoundingClientRect();
      const box = el.closest('.kpi, .chart, .feed, .hotspots, .topbar, .legend, .map-toggles, .map-card, .banner')?.getBoundingClientRect();
      if (box && (r.left < box.left - 1 || r.right > box.right + 1 || r.top < box.top - 1 || r.bottom > box.bottom + 1)) problems.push(`text "${text}" outside its panel`);
      if (el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).display !== 'inline') problems.push(`text "${text}" overflows ${name(el)} (${el.scrollWidth} > ${el.clientWidth})`);
    }
    return problems;
  });
}

/** The page's vital signs equal a summary fetched from the server (retried: both move). */
async function expectKpisMatchServer(page: Page, url: string, cookie: string): Promise<void> {
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    const summary = (await getJson(url, '/api/metrics/summary', { cookie })).body as Record<string, number | null>;
    const shown = await page.evaluate((names) => Object.fromEntries(names.map((n) => [n, document.querySelector(`[data-testid="kpi-${n}"]`)?.getAttribute('data-value') ?? null])), [...KPI_NAMES]);
    const mismatches = KPI_NAMES.filter((n) => shown[n] !== (summary[n] === null ? '' : String(summary[n])));
    if (mismatches.length === 0) return;
    last = mismatches.map((n) => `${n}: page ${shown[n]} server ${summary[n]}`).join('; ');
    await page.waitForTimeout(500);
  }
  throw new Error(`KPIs differ from /api/metrics/summary: ${last}`);
}

/** Visible text on the screen (the map draws its labels on canvas, so those are not in it). */
async function visibleTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const walker = document.createTreeWalker(document.querySelector('.screen')!, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const el = node.parentElement;
      const text = node.textContent?.trim();
      // Language names are written in their own language on purpose; user names are data.
      if (!text || !el || el.closest('.topbar__user, .lang__btn, .maplibregl-ctrl-attrib, .hotspots__grid')) continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 || r.height === 0) continue;
      out.push(text);
    }
    for (const el of document.querySelectorAll('.screen [aria-label]')) out.push(el.getAttribute('aria-label')!);
    return out;
  });
}

describe.skipIf(skip !== null)('big screen layout, figures and languages', () => {
  let world: BrowserWorld;
  let cookie: string;

  beforeAll(async () => {
    world = await startWorld();
    const res = await ingest(world.server.url, reports(60, 'layout'));
    expect(res.status).toBe(200);
    cookie = await login(world.server.url, 'operator');
  });
  afterAll(async () => {
    await world?.close();
  });

  for (const [width, height] of [
    [1366, 768],
    [1920, 1080],
    [3840, 2160],
  ] as const) {
    it(`at ${width}×${height}: panels do not overlap, text is whole, the map is loaded, the vital signs are the server's`, async () => {
      const { page, offsite, errors, context } = await signIn(world, 'operator', { width, height });
      await page.waitForURL(/\/screen/);
      await page.waitForSelector('[data-testid="city-map"][data-map-state="loaded"]', { timeout: 90_000 });
      await page.waitForSelector('[data-testid="kpi-openIncidents"]:not([data-value=""])');
      await page.waitForSelector('[data-testid="feed-item"]');
      // The heat picture (drawn by a worker) is on the map, from the day's incidents.
      await page.waitForSelector('[data-testid="city-map"][data-heat-points]:not([data-heat-points="0"])');
      await expectKpisMatchServer(page, world.server.url, cookie);
      // Charts have drawn (a canvas in each).
      await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length >= 5);
      const file = await screenshot(page, `big-screen-${width}x${height}`);
      expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      expect(await layoutProblems(page)).toEqual([]);
      expect(offsite).toEqual([]);
      expect(errors).toEqual([]);
      await context.close();
    });
  }

  it('a click on an incident opens its card; the layer toggles and time window respond', async () => {
    const { page, context } = await signIn(world, 'operator', { width: 1920, height: 1080 });
    await page.waitForURL(/\/screen/);
    await page.waitForSelector('[data-testid="city-map"][data-map-state="loaded"]', { timeout: 90_000 });
    // A critical report pulls the camera to it and opens its card, with no click at all.
    // A place of its own (a little off an address), so at the focus zoom it stands alone.
    const [lon, lat] = city.addresses[11]!.location;
    const critical = { ...reports(1, 'critical')[0]!, payload: { category: categories[0]!, severity: 'critical', text: '燃气泄漏', location: [lon + 0.004, lat + 0.003] } };
    const res = await ingest(world.server.url, [critical]);
    const id = res.body.results[0].incidentId as string;
    await page.waitForSelector(`[data-testid="map-card"][data-kind="incident"][data-id="${id}"]`, { timeout: 10_000 });
    // The picture once the focus view's streets are in.
    await page.waitForSelector('[data-testid="city-map"][data-camera="still"][data-settled]', { timeout: 30_000 });
    await screenshot(page, 'big-screen-critical-focus-1920x1080');
    await page.click('.map-card__close');
    await page.waitForSelector('[data-testid="map-card"]', { state: 'detached' });
    // Click the single incident where the camera now is (the centre of the map).
    await page.waitForSelector('[data-testid="city-map"][data-camera="still"]');
    const box = (await page.locator('.screen__map').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForSelector('[data-testid="map-card"]', { timeout: 5_000 });
    await page.click('[data-layer="heat"]');
    expect(await page.getAttribute('[data-layer="heat"]', 'aria-pressed')).toBe('false');
    await page.click('[data-window="1h"]');
    expect(await page.getAttribute('[data-window="1h"]', 'aria-pressed')).toBe('true');
    await context.close();
  });

  it('a sensor reading over its alarm line shows its alarm ring on the map', async () => {
    const { page, context } = await signIn(world, 'operator', { width: 1920, height: 1080 });
    await page.waitForURL(/\/screen/);
    // With the probe on, the page hands over its map: the test asks it what it drew.
    await page.goto(`${world.server.url}/screen?perf=1`);
    await page.waitForSelector('[data-testid="city-map"][data-map-state="loaded"]', { timeout: 90_000 });
    const sensor = city.sensors.find((s) => s.rule.direction === 'above' && s.rule.dwellSec <= 120 && s.rule.dwellSec > 0)!;
    // Above the alarm line for longer than the dwell time: the sensor is in alarm.
    const readings = [5, 4, 3, 2, 1].map((minutesAgo) => ({
      source: 'sensor',
      sourceEventId: `ring-${sensor.id}-${minutesAgo}`,
      occurredAt: new Date(Date.now() - minutesAgo * 60_000).toISOString(),
      payload: { sensorId: sensor.id, metric: sensor.metric, value: sensor.rule.alarm + 5 },
    }));
    expect((await ingest(world.server.url, readings)).status).toBe(200);
    type MapHandle = {
      project(lngLat: [number, number]): { x: number; y: number };
      queryRenderedFeatures(point: [number, number], options: { layers: string[] }): { properties: { id: string } }[];
    };
    // Drawn where the sensor is, at whatever zoom the map is (the alarm's case may pull the camera there).
    await page.waitForFunction(
      ([id, location]) => {
        const map = (window as unknown as { __perf: { map: MapHandle } }).__perf.map;
        const { x, y } = map.project(location);
        return map.queryRenderedFeatures([x, y], { layers: ['sensors-alarm'] }).some((f) => f.properties.id === id);
      },
      [sensor.id, sensor.location] as const,
      { timeout: 20_000, polling: 200 },
    );
    await context.close();
  });

  it('every visible string comes from the catalogs: no key, no English on the Chinese screen, no Chinese on the English one', async () => {
    const { page, context } = await signIn(world, 'operator', { width: 1920, height: 1080 });
    await page.waitForURL(/\/screen/);
    await page.waitForSelector('[data-testid="city-map"][data-map-state="loaded"]', { timeout: 90_000 });
    await page.waitForSelector('[data-testid="feed-item"]');
    await page.waitForFunction(() => document.querySelectorAll('.chart canvas').length >= 5);
    const keys = new Set<string>(Object.keys(en));
    const englishOnly = new Set<string>(Object.entries(en).filter(([k, v]) => zhCN[k as keyof typeof en] !== v).map(([, v]) => v));
    const zh = await visibleTexts(page);
    expect(zh.filter((t) => keys.has(t) || englishOnly.has(t))).toEqual([]);
    expect(zh.filter((t) => /^[A-Za-z][A-Za-z ]{3,}$/.test(t))).toEqual([]);
    await screenshot(page, 'big-screen-zh-CN-1920x1080');

    await page.click('[data-testid="lang-switch"] button[aria-pressed="false"]');
    await page.waitForFunction(() => document.documentElement.lang === 'en');
    const enTexts = await visibleTexts(page);
    expect(enTexts.filter((t) => keys.has(t))).toEqual([]);
    expect(enTexts.filter((t) => /[\u3400-\u9fff]/.test(t))).toEqual([]);
    // English runs longer than Chinese: the layout must hold in both.
    expect(await layoutProblems(page)).toEqual([]);
    await screenshot(page, 'big-screen-en-1920x1080');
    await context.close();
  });
});

describe.skipIf(skip !== null)('big screen when the server goes away', () => {
  let world: BrowserWorld;
  let server: CityServer;

  beforeAll(async () => {
    world = await startWorld();
    server = world.server;
  });
  afterAll(async () => {
    await world?.browser.close();
    await server?.close().catch(() => undefined);
    if (server) fs.rmSync(server.config.dataDir, { recursive: true, force: true });
  });

  it('shows the banner within 5 s of a stop, and after a restart resumes with counts that match the server', async () => {
    const { page } = await signIn(world, 'operator', { width: 1366, height: 768 });
    await page.waitForURL(/\/screen/);
    await ingest(server.url, reports(10, 'before'));
    await page.waitForSelector('[data-testid="kpi-openIncidents"]:not([data-value=""])');
    await expectKpisMatchServer(page, server.url, await login(server.url, 'operator'));

    const { config, port } = server;
    await server.close();
    const stopped = Date.now();
    await page.waitForSelector('[data-testid="connection-banner"]', { timeout: 5_000 });
    expect(Date.now() - stopped).toBeLessThan(5_000);
    await screenshot(page, 'big-screen-server-down-1366x768');

    // Same data, same port: the page's session and position in the change log are still good.
    server = await startCityServer({ ...config, port });
    await page.waitForSelector('[data-testid="connection-banner"]', { state: 'detached', timeout: 30_000 });
    const res = await ingest(server.url, reports(5, 'after'));
    await page.waitForSelector(`[data-testid="feed-item"][data-incident-id="${res.body.results[4].incidentId}"]`, { timeout: 10_000 });
    // The figures follow once the restarted server has recomputed them (every 2 s).
    await page.waitForSelector('[data-testid="kpi-newToday"][data-value="15"]', { timeout: 10_000 });
    await expectKpisMatchServer(page, server.url, await login(server.url, 'operator'));
  });
});
