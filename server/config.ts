// Environment → typed configuration (CONTRACT.md "Running it"). Bad values stop the start-up
// with a message naming the variable, rather than surfacing later as odd behaviour.

import path from 'node:path';
import { z } from 'zod';
import { FIXTURES_DIR } from './services/cityReference.ts';

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().default('./data'),
  DATABASE_URL: z.string().optional(),
  REDIS_URL: z.string().optional(),
  MQTT_URL: z.string().optional(),
  DEMO: onOff.default(false),
  SIMULATOR: onOff.default(false),
  SIMULATOR_SPEED: z.coerce.number().positive().max(1000).default(1),
  SIMULATOR_SEED: z.coerce.number().int().default(20261122),
  SIMULATOR_SCENARIO: z.enum(['none', 'rainstorm']).default('none'),
  TIME_ZONE: z.string().default('America/Chicago'),
  TILES_URL: z.string().default('/tiles/city.pmtiles'),
  LIVE_BATCH_MS: z.coerce.number().int().min(5).max(5000).default(100),
  LIVE_FACT_DELAY_MS: z.coerce.number().int().min(0).max(1000).default(10),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  STATIC_DIR: z.string().optional(),
  CITY_DIR: z.string().optional(),
  AUTO_LINK_SCORE: z.coerce.number().min(0).max(2).default(0.7),
  INGEST_RATE_PER_MIN: z.coerce.number().int().min(1).default(6000),
  METRICS_TOKEN: z.string().min(16, 'at least 16 characters').optional(),
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(10_000),
});

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl?: string;
  redisUrl?: string;
  mqttUrl?: string;
  demo: boolean;
  simulator: { enabled: boolean; speed: number; seed: number; scenario: 'none' | 'rainstorm' };
  timeZone: string;
  tilesUrl: string;
  live: { batchMs: number; factDelayMs: number };
  sessionTtlMs: number;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  /** Built client to serve at `/`; absent in tests that only speak HTTP. */
  staticDir?: string;
  /** The city's reference data (map, districts, grids, categories, units, sensors). */
  cityDir: string;
  /** Duplicate score at which a hotline call is linked to an open incident (above 1: never). */
  autoLinkScore: number;
  /** Ingest requests a minute per API key (or user). */
  ingestRatePerMin: number;
  /** Bearer token that opens GET /metrics to callers other than loopback. */
  metricsToken?: string;
  /** How long a shutdown waits for requests in flight before closing anyway. */
  shutdownGraceMs: number;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    mqttUrl: e.MQTT_URL,
    demo: e.DEMO,
    simulator: { enabled: e.SIMULATOR, speed: e.SIMULATOR_SPEED, seed: e.SIMULATOR_SEED, scenario: e.SIMULATOR_SCENARIO },
    timeZone: e.TIME_ZONE,
    tilesUrl: e.TILES_URL,
    live: { batchMs: e.LIVE_BATCH_MS, factDelayMs: e.LIVE_FACT_DELAY_MS },
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    logLevel: e.LOG_LEVEL,
    staticDir: e.STATIC_DIR,
    cityDir: path.resolve(e.CITY_DIR ?? FIXTURES_DIR),
    autoLinkScore: e.AUTO_LINK_SCORE,
    ingestRatePerMin: e.INGEST_RATE_PER_MIN,
    metricsToken: e.METRICS_TOKEN,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}

/** A complete config for tests: embedded store in a fresh directory, no demo, no simulator. */
export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', CITY_DIR: process.env.CITY_DIR };
  return { ...loadConfig(env), ...overrides };
}
