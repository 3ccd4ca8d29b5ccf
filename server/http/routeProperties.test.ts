// Property tests: arbitrary values into every edge schema, every HTTP route (path parameters,
// query, body, content type) for every role, and every socket event: never a 500, never a
// crash, always the contract's typed error.

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../shared/domain/types.ts';
import { ERROR_STATUS } from '../../shared/protocol/errors.ts';
import * as schemas from '../../shared/protocol/schemas.ts';
import { ROUTE_POLICY, SOCKET_POLICY } from '../../shared/security/policy.ts';
import { testConfig } from '../config.ts';
import { LiveClient, login, startTestServer } from '../testing/harness.ts';

type Server = Awaited<ReturnType<typeof startTestServer>>;

const NASTY_SEGMENTS = ['%', '%zz', '%E0%A4%A', '..', '.', '%2e%2e', 'x'.repeat(5000), '\u0000', '<script>', "' OR 1=1 --", '__proto__', 'constructor'];

const segment = fc.oneof(
  fc.string({ maxLength: 80 }).map(encodeURIComponent),
  fc.uuid(),
  fc.constantFrom(...NASTY_SEGMENTS),
);
const query = fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('status', 'limit', 'cursor', 'entity', 'id', 'from', 'to', 'unit', 'mine', 'district')), fc.string({ maxLength: 40 }), {
  maxKeys: 4,
});
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ type: 'application/json', text: JSON.stringify(v) })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: 'application/json', text })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: 'text/plain', text })),
  fc.string({ maxLength: 200 }).map((text) => ({ type: 'application/x-www-form-urlencoded', text })),
  fc.constant({ type: 'application/json', text: '{"__proto__":{"role":"admin"},"constructor":{"prototype":{"x":1}}}' }),
);

function isTypedError(status: number, text: string): boolean {
  if (status < 400) return true;
  try {
    const parsed = JSON.parse(text) as unknown;
    // Open311 answers in its own spec format: a list of {code, description}.
    if (Array.isArray(parsed)) return parsed.every((e) => typeof (e as { code?: unknown }).code === 'number');
    const code = (parsed as { error?: { code?: string } }).error?.code;
    return code !== undefined && code in ERROR_STATUS && ERROR_STATUS[code as keyof typeof ERROR_STATUS] === status;
  } catch {
    return false;
  }
}

describe('arbitrary input at the edge', () => {
  let server: Server;
  const cookies = {} as Record<Role, string>;
  beforeAll(async () => {
    server = await startTestServer({ security: { ...testConfig('.').security, loginRatePerMin: 1_000_000, commandRatePerMin: 1_000_000, revealRatePerHour: 1_000_000 } });
    for (const role of ROLES) cookies[role] = await login(server.url, role);
  });
  afterAll(async () => {
    await server?.close();
  });

  it('every edge schema answers any value with success or issues, never by throwing', () => {
    const all = Object.entries(schemas).filter(([, v]) => v && typeof v === 'object' && 'safeParse' in (v as object)) as [string, { safeParse(x: unknown): unknown }][];
    expect(all.length).toBeGreaterThan(10);
    fc.assert(
      fc.property(fc.anything(), (value) => {
        for (const [, schema] of all) schema.safeParse(value);
      }),
      { numRuns: 300 },
    );
  });

  it.each(ROUTE_POLICY.filter((r) => r.path !== '*' && r.path !== '/api/auth/logout').map((r) => [`${r.method} ${r.path}`, r] as const))(
    '%s: no 500, always a typed error, for any role and any input',
    async (_key, row) => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom<Role | null>(null, ...ROLES), fc.array(segment, { minLength: 3, maxLength: 3 }), query, body, async (role, params, q, b) => {
          let i = 0;
          const path = row.path.replace(/:(\w+)(\.json)?/g, (_m, _name, suffix: string | undefined) => `${params[i++ % params.length]}${suffix ?? ''}`);
          const qs = new URLSearchParams(q).toString();
          const headers: Record<string, string> = { 'content-type': b.type };
          if (role) headers.cookie = cookies[role];
          const res = await fetch(`${server.url}${path}${qs ? `?${qs}` : ''}`, { method: row.method, headers, body: row.method === 'GET' ? undefined : b.text });
          const text = await res.text();
          if (res.status >= 500 || !isTypedError(res.status, text)) throw new Error(`${row.method} ${path} as ${role}: ${res.status} ${text.slice(0, 200)}`);
        }),
        { numRuns: 25 },
      );
    },
  );

  it('every socket event, and events that do not exist, take any arguments without a crash and answer typed', async () => {
    const c = new LiveClient(server.url, cookies.dispatcher);
    await c.until(() => c.snapshots.length === 1, 'snapshot');
    const raw = c.socket as unknown as { emit(e: string, ...a: unknown[]): void; timeout(ms: number): { emitWithAck(e: string, ...a: unknown[]): Promise<unknown> } };
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.constantFrom(...Object.keys(SOCKET_POLICY)), fc.string({ maxLength: 20 })), fc.array(fc.jsonValue({ maxDepth: 3 }), { maxLength: 3 }), async (event, args) => {
        if (['connect', 'disconnect', 'connect_error', 'disconnecting', 'newListener', 'removeListener'].includes(event)) return;
        // Without an ack (fire and forget), then with one where the event is acknowledged.
        raw.emit(event, ...args);
        if (event === 'resume' || !SOCKET_POLICY[event]) {
          const answer = (await raw.timeout(5000).emitWithAck(event, ...args)) as { ok?: unknown; code?: unknown };
          expect(typeof answer.ok).toBe('boolean');
          if (answer.ok === false) expect(typeof answer.code).toBe('string');
        }
      }),
      { numRuns: 150 },
    );
    // Still connected and serving.
    expect(c.socket.connected).toBe(true);
    const resumed = (await raw.timeout(5000).emitWithAck('resume', { lastSeq: 0 })) as { ok: boolean };
    expect(resumed.ok).toBe(true);
    c.close();
  });
});
