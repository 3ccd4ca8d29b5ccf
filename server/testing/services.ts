// The real PostgreSQL and Redis of this machine for tests: reachability (skip with a printed
// reason, or fail when CI=true), a fresh database per test run, and Redis restarts done the way
// the machine starts it.

import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import pg from 'pg';

export const TEST_PG_ADMIN_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function portOpen(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, host);
    socket.setTimeout(1000, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** True when the service answers; otherwise warns (or throws in CI) with the reason. */
async function required(name: string, url: string, defaultPort: number): Promise<boolean> {
  const { hostname, port } = new URL(url);
  if (await portOpen(hostname, Number(port || defaultPort))) return true;
  if (process.env.CI === 'true') throw new Error(`${name} tests are required in CI, but nothing answers at ${url}`);
  console.warn(`skipping ${name} tests: nothing answers at ${url}`);
  return false;
}

export function postgresReachable(): Promise<boolean> {
  return required('PostgreSQL', TEST_PG_ADMIN_URL, 5432);
}

export function redisReachable(): Promise<boolean> {
  return required('Redis', TEST_REDIS_URL, 6379);
}

/** A fresh, empty database on the test server; `drop` removes it (ending any connection left). */
export async function createTestDatabase(): Promise<{ url: string; name: string; drop(): Promise<void> }> {
  const name = `city_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(TEST_PG_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/** Run a query against a test database with a short-lived connection (to check what is stored). */
export async function queryDatabase<T = Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}

const REDIS_START = [
  '--daemonize',
  'yes',
  '--bind',
  '127.0.0.1',
  '-::1',
  '--port',
  '6379',
  '--save',
  '',
  '--appendonly',
  'no',
  '--dir',
  '/var/lib/redis',
  '--logfile',
  '/var/log/redis/ci.log',
];

/** Stop the local Redis (SHUTDOWN NOSAVE) and wait until its port is closed. */
export async function stopRedis(): Promise<void> {
  try {
    execFileSync('redis-cli', ['-h', '127.0.0.1', '-p', '6379', 'shutdown', 'nosave'], { stdio: 'ignore' });
  } catch {
    // redis-cli reports the dropped connection of a successful SHUTDOWN as an error.
  }
  for (let i = 0; i < 100 && (await portOpen('127.0.0.1', 6379)); i += 1) await new Promise((r) => setTimeout(r, 50));
}

/** Start the local Redis the way the machine does, and wait until it answers. */
export async function startRedis(): Promise<void> {
  fs.mkdirSync('/var/lib/redis', { recursive: true });
  fs.mkdirSync('/var/log/redis', { recursive: true });
  execFileSync('redis-server', REDIS_START, { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await portOpen('127.0.0.1', 6379)); i += 1) await new Promise((r) => setTimeout(r, 50));
}
