// Environment → typed configuration (CONTRACT.md "Running it"). Bad values stop the start-up
// with a message naming the variable, rather than surfacing later as odd behaviour.

import path from 'node:path';
import { z } from 'zod';
import { FIXTURES_DIR } from './services/cityReference.ts';
import { parseWorkHours, type WorkCalendar } from '../shared/domain/workCalendar.ts';

const onOff = z
  .enum(['on', 'off', 'true', 'false', '1', '0'])
  .transform((v) => v === 'on' || v === 'true' || v === '1');

const DATE_LIST = /^$|^\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?(,\d{4}-\d{2}-\d{2}(\.\.\d{4}-\d{2}-\d{2})?)*$/;

/** "2026-10-01..2026-10-03,2026-12-25" → each date. */
function expandDates(text: string): string[] {
  if (!text) return [];
  return text.split(',').flatMap((part) => {
    const [from, to = from] = part.split('..') as [string, string?];
    const out: string[] = [];
    for (let t = Date.parse(`${from}T00:00:00Z`); t <= Date.parse(`${to}T00:00:00Z`) && out.length < 400; t += 86_400_000) {
      out.push(new Date(t).toISOString().slice(0, 10));
    }
    return out;
  });
}

function expandWeekdays(text: string): number[] {
  return [...new Set(text.split(',').flatMap((part) => {
    const [a, b = a] = part.split('-').map(Number) as [number, number?];
    const out: number[] = [];
    for (let d = a; d <= b; d += 1) out.push(d);
    return out;
  }))];
}

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
  SIMULATOR_HISTORY: onOff.default(true),
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
  WORK_HOURS: z.string().default('09:00-12:00,13:00-18:00'),
  WORK_DAYS: z.string().regex(/^[0-6](-[0-6])?(,[0-6](-[0-6])?)*$/, 'weekday numbers 0 (Sunday) … 6, e.g. 1-5').default('1-5'),
  HOLIDAYS: z.string().regex(DATE_LIST, 'YYYY-MM-DD dates or YYYY-MM-DD..YYYY-MM-DD ranges, comma-separated').default(''),
  EXTRA_WORKDAYS: z.string().regex(DATE_LIST, 'YYYY-MM-DD dates or ranges, comma-separated').default(''),
  DEADLINE_TICK_MS: z.coerce.number().int().min(100).default(15_000),
  // Security (README "Security")
  SESSION_IDLE_MINUTES: z.coerce.number().positive().default(30),
  TRUST_PROXY: z.string().default('false'),
  ALLOWED_ORIGINS: z.string().default(''),
  CALLER_RETENTION_DAYS: z.coerce.number().positive().default(180),
  COMMAND_RATE_PER_MIN: z.coerce.number().int().min(1).default(300),
  LOGIN_RATE_PER_MIN: z.coerce.number().int().min(1).default(30),
  REVEAL_RATE_PER_HOUR: z.coerce.number().int().min(1).default(20),
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
  /** `history`: play yesterday and today so far into an empty database before going live. */
  simulator: { enabled: boolean; speed: number; seed: number; scenario: 'none' | 'rainstorm'; history: boolean };
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
  /** The working calendar deadlines in working hours and working days are measured on. */
  workCalendar: WorkCalendar;
  /** How often the deadline scheduler looks for cases to escalate. */
  deadlineTickMs: number;
  /**
   * Tests only: the clock the deadline scheduler and evaluation read. Never set from the
   * environment, so a production server always runs on real time.
   */
  clock?: () => Date;
  /** Bearer token that opens GET /metrics to callers other than loopback. */
  metricsToken?: string;
  /** How long a shutdown waits for requests in flight before closing anyway. */
  shutdownGraceMs: number;
  security: SecurityConfig;
  /** Where log lines go (tests capture them); stdout when absent. */
  logDestination?: { write(line: string): unknown };
}

export interface SecurityConfig {
  /** Idle timeout of a session; kiosk accounts are exempt. */
  sessionIdleMs: number;
  /** Express "trust proxy": false (direct), a hop count, or a list of proxy addresses. */
  trustProxy: boolean | number | string;
  /** Origins besides the server's own that may send state-changing requests and open sockets. */
  allowedOrigins: string[];
  /** Callers' names and phones are scrubbed this long after the call (audit entries stay). */
  callerRetentionMs: number;
  commandRatePerMin: number;
  loginRatePerMin: number;
  revealRatePerHour: number;
}

function trustProxy(value: string): boolean | number | string {
  if (value === 'false' || value === '') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  let hours: [number, number][];
  try {
    hours = parseWorkHours(e.WORK_HOURS);
  } catch (error) {
    throw new Error(`Invalid configuration:\n  WORK_HOURS: ${(error as Error).message}`);
  }
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: path.resolve(e.DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    mqttUrl: e.MQTT_URL,
    demo: e.DEMO,
    simulator: { enabled: e.SIMULATOR, speed: e.SIMULATOR_SPEED, seed: e.SIMULATOR_SEED, scenario: e.SIMULATOR_SCENARIO, history: e.SIMULATOR_HISTORY },
    timeZone: e.TIME_ZONE,
    tilesUrl: e.TILES_URL,
    live: { batchMs: e.LIVE_BATCH_MS, factDelayMs: e.LIVE_FACT_DELAY_MS },
    sessionTtlMs: e.SESSION_TTL_HOURS * 3_600_000,
    logLevel: e.LOG_LEVEL,
    staticDir: e.STATIC_DIR,
    cityDir: path.resolve(e.CITY_DIR ?? FIXTURES_DIR),
    autoLinkScore: e.AUTO_LINK_SCORE,
    ingestRatePerMin: e.INGEST_RATE_PER_MIN,
    workCalendar: { timeZone: e.TIME_ZONE, hours, weekdays: expandWeekdays(e.WORK_DAYS), holidays: expandDates(e.HOLIDAYS), extraWorkdays: expandDates(e.EXTRA_WORKDAYS) },
    deadlineTickMs: e.DEADLINE_TICK_MS,
    security: {
      sessionIdleMs: e.SESSION_IDLE_MINUTES * 60_000,
      trustProxy: trustProxy(e.TRUST_PROXY),
      allowedOrigins: e.ALLOWED_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean),
      callerRetentionMs: e.CALLER_RETENTION_DAYS * 24 * 3_600_000,
      commandRatePerMin: e.COMMAND_RATE_PER_MIN,
      loginRatePerMin: e.LOGIN_RATE_PER_MIN,
      revealRatePerHour: e.REVEAL_RATE_PER_HOUR,
    },
    metricsToken: e.METRICS_TOKEN,
    shutdownGraceMs: e.SHUTDOWN_GRACE_MS,
  };
}

/** A complete config for tests: embedded store in a fresh directory, no demo, no simulator. */
export function testConfig(dataDir: string, overrides: Partial<Config> = {}): Config {
  const env = { DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', CITY_DIR: process.env.CITY_DIR };
  return { ...loadConfig(env), ...overrides };
}
