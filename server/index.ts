// Entry point for `npm start`: the whole system in one process — embedded database, demo city,
// simulator — unless the environment says otherwise.

import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from './config.ts';
import { startCityServer, DEMO_ACCOUNTS, DEMO_INGEST_KEY } from './app.ts';
import { DEMO_PASSWORD } from './services/demoSeed.ts';
import { Simulator } from './ingest/simulator.ts';
import { DemoHistory, historyStart } from './ingest/demoHistory.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where the database is, without any password in the URL. */
function databaseLabel(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
}

async function main(): Promise<void> {
  // `npm start` is the demo: demo data and simulator are on unless switched off explicitly.
  const config = loadConfig({
    DEMO: 'on',
    SIMULATOR: 'on',
    STATIC_DIR: path.join(root, 'dist/client'),
    ...process.env,
  });
  let history: DemoHistory | null = null;
  const server = await startCityServer(config, {
    // An empty demo database first gets yesterday and today so far, so every chart has a past.
    beforeListen: async ({ store, ingest, incidents, deadlines, city, logger }) => {
      if (!config.simulator.enabled || !config.simulator.history) return;
      if ((await store.listIncidents({ limit: 1 })).items.length > 0) return;
      const now = new Date();
      const from = historyStart(now, config.timeZone);
      console.log(`  preparing the demo city's past (${from.toISOString().slice(0, 16)}Z → now), first start only…`);
      const started = performance.now();
      history = new DemoHistory({ ingest, incidents, store, city, deadlines }, { seed: config.simulator.seed, timeZone: config.timeZone });
      const stats = await history.play(from, now);
      const seconds = Math.round((performance.now() - started) / 1000);
      logger.debug({ ...stats, seconds }, 'demo history played');
      console.log(`  played ${stats.cases.toLocaleString('en')} cases and ${stats.commands.toLocaleString('en')} staff steps in ${seconds} s; ${stats.pending} steps go on live`);
    },
  });
  const simulator = config.simulator.enabled
    ? new Simulator(
        server.ingest,
        server.store,
        server.hub,
        server.city,
        { seed: config.simulator.seed, speed: config.simulator.speed, timeZone: config.timeZone, scenario: config.simulator.scenario, history },
        server.incidents,
      )
    : null;
  simulator?.start();

  const lines = [
    '',
    `  City Operations Center is running at ${server.url}`,
    `  store: ${server.store.kind} (${config.databaseUrl ? databaseLabel(config.databaseUrl) : config.dataDir})${config.redisUrl ? '   adapter: redis' : ''}   simulator: ${simulator ? `on ×${config.simulator.speed}${config.simulator.scenario === 'none' ? '' : ` (${config.simulator.scenario})`}` : 'off'}`,
  ];
  if (config.demo) {
    lines.push(`  demo accounts (password "${DEMO_PASSWORD}"): ${DEMO_ACCOUNTS.map((a) => a.username).join(', ')}`);
    lines.push(`  demo ingest key: ${DEMO_INGEST_KEY}`);
  }
  console.log(`${lines.join('\n')}\n`);

  const shutdown = (signal: string) => {
    server.logger.info({ signal }, 'shutting down');
    simulator?.stop();
    server
      .close()
      .then(() => process.exit(0))
      .catch(() => process.exit(1));
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
