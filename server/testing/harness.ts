// Test harness: the real server on port 0 in a fresh data directory, and real clients for it.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { startCityServer, type CityServer } from '../app.ts';
import { testConfig, type Config } from '../config.ts';
import { loadCityReference } from '../services/cityReference.ts';
import type { ChangeBatch, ClientToServerEvents, Hello, Presence, ServerToClientEvents, Snapshot } from '../../shared/protocol/changes.ts';
import { LIVE_NAMESPACE } from '../../shared/protocol/changes.ts';

export const INGEST_KEY = 'demo-ingest-key';

export async function startTestServer(overrides: Partial<Config> = {}): Promise<CityServer & { dataDir: string }> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-test-'));
  const server = await startCityServer(testConfig(dataDir, { demo: true, ...overrides }));
  const close = server.close;
  return {
    ...server,
    dataDir,
    close: async () => {
      await close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Sign in and return the session cookie to send with later requests. */
export async function login(baseUrl: string, username: string, password = 'demo'): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const cookie = res.headers.get('set-cookie');
  if (!cookie) throw new Error('no session cookie');
  return cookie.split(';')[0]!;
}

export async function postJson(baseUrl: string, route: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}${route}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? (JSON.parse(text) as any) : null };
}

export async function getJson(baseUrl: string, route: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${baseUrl}${route}`, { headers });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as any) : null };
}

export function ingest(baseUrl: string, events: unknown[]) {
  return postJson(baseUrl, '/api/ingest/events', { events }, { authorization: `Bearer ${INGEST_KEY}` });
}

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A live client that records everything it receives, with helpers that wait for events
 * (never for time). `lastSeq` set → the handshake asks to resume from it.
 */
export class LiveClient {
  readonly socket: LiveSocket;
  hello: Hello | null = null;
  snapshots: Snapshot[] = [];
  batches: ChangeBatch[] = [];
  presence: Presence[] = [];
  private waiters: (() => void)[] = [];

  constructor(baseUrl: string, cookie: string | null, auth: { lastSeq?: number } = {}) {
    this.socket = io(`${baseUrl}${LIVE_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth,
      extraHeaders: cookie ? { cookie } : {},
    });
    this.socket.on('hello', (h) => {
      this.hello = h;
      this.notify();
    });
    this.socket.on('snapshot', (s) => {
      this.snapshots.push(s);
      this.notify();
    });
    this.socket.on('changes', (b) => {
      this.batches.push(b);
      this.notify();
    });
    this.socket.on('presence', (p) => {
      this.presence.push(p);
      this.notify();
    });
    this.socket.on('connect_error', () => this.notify());
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolve when `predicate` holds, re-checked on every message; reject after `timeoutMs`. */
  until(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  /** Every fact change received (not telemetry), in arrival order. */
  facts() {
    return this.batches.flatMap((b) => b.changes).filter((c) => c.type === 'incident' || c.type === 'task' || c.type === 'alarm');
  }

  lastSeq(): number {
    const last = this.batches[this.batches.length - 1];
    return last ? last.toSeq : (this.snapshots[this.snapshots.length - 1]?.seq ?? 0);
  }

  close(): void {
    this.socket.close();
  }
}

const city = loadCityReference(testConfig('.').cityDir);
/** A real leaf category and a real place in the demo city, for building valid events. */
export const SAMPLE_CATEGORY = [...city.categories.keys()][0]!;
export const SAMPLE_PLACE = city.addresses[0]!;

let counter = 0;
/** A valid patrol report at a known place, with a fresh idempotency key. */
export function patrolReport(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    source: 'patrol',
    sourceEventId: `test-${process.pid}-${Date.now()}-${counter}`,
    occurredAt: new Date().toISOString(),
    payload: { category: SAMPLE_CATEGORY, text: `路面坑洼 #${counter}`, location: SAMPLE_PLACE.location },
    ...overrides,
  };
}
