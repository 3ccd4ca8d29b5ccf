// Browser tests: the real server (built client included) and Debian's Chromium driven by
// playwright-core. Without Chromium the tests are skipped with a printed reason — except under
// CI=true, where a missing browser is a failure.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { startCityServer, type CityServer } from '../../server/app.ts';
import { testConfig, type Config } from '../../server/config.ts';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const SHOTS_DIR = path.join(ROOT, 'test-results', 'screenshots');

/** Why browser tests cannot run here, or null when they can. Under CI a reason is an error. */
export function browserUnavailable(): string | null {
  if (fs.existsSync(CHROMIUM_PATH)) return null;
  const reason = `Chromium not found at ${CHROMIUM_PATH} (install Debian's chromium package)`;
  if (process.env.CI === 'true') throw new Error(`browser tests are required in CI: ${reason}`);
  console.warn(`skipping browser tests: ${reason}`);
  return reason;
}

let built: Promise<string> | null = null;
/**
 * Build the client once per test run into a temporary directory, as `npm run build` would
 * (unminified when a benchmark profiles it, so its functions keep their names).
 */
export function builtClient(): Promise<string> {
  built ??= (async () => {
    const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-client-'));
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true, sourcemap: false, minify: !process.env.BENCH_PROFILE } });
    return outDir;
  })();
  return built;
}

export interface BrowserWorld {
  server: CityServer;
  browser: Browser;
  close(): Promise<void>;
}

/** `overrides`: test-only settings such as an injected clock. */
export async function startWorld(overrides: Partial<Config> = {}): Promise<BrowserWorld> {
  const staticDir = await builtClient();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-browser-'));
  const server = await startCityServer(testConfig(dataDir, { demo: true, staticDir, ...overrides }));
  const browser = await chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
    ],
  });
  return {
    server,
    browser,
    async close() {
      await browser.close();
      await server.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A fresh context (own cookies) signed in through the login page like a person would. */
export interface SignedIn {
  context: BrowserContext;
  page: Page;
  /** Requests the page tried to send anywhere but this server: there must be none. */
  offsite: string[];
  /** Uncaught page errors. */
  errors: string[];
}

export async function signIn(world: BrowserWorld, username: string, viewport = { width: 1920, height: 1080 }): Promise<SignedIn> {
  const context = await world.browser.newContext({ viewport, locale: 'zh-CN' });
  const page = await context.newPage();
  const origin = new URL(world.server.url).origin;
  const offsite: string[] = [];
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith(origin) || url.startsWith('data:') || url.startsWith('blob:')) return route.continue();
    offsite.push(url);
    return route.abort();
  });
  await page.goto(`${world.server.url}/login`);
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', 'demo');
  await page.click('button[type="submit"]');
  return { context, page, offsite, errors };
}

export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS_DIR, { recursive: true });
  const file = path.join(SHOTS_DIR, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
