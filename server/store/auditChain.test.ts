// The audit log is append-only in the store itself, and its hash chain exposes a row changed,
// removed or slipped in by someone who went around the store (file access, dropped triggers).

import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, login, patrolReport, startTestServer } from '../testing/harness.ts';
import { createTestDatabase, postgresReachable, queryDatabase } from '../testing/services.ts';
import { PgStore } from './PgStore.ts';
import { GENESIS_HASH, auditHash, verifyAuditRows } from './auditChain.ts';

const run = promisify(execFile);
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

async function auditVerify(dataDir: string, databaseUrl?: string): Promise<{ code: number; out: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  try {
    const { stdout } = await run(process.execPath, ['--import', 'tsx', 'server/tools/auditVerify.ts'], { cwd: ROOT, env });
    return { code: 0, out: stdout };
  } catch (error) {
    const e = error as { code: number; stderr: string };
    return { code: e.code, out: e.stderr };
  }
}

describe('audit log', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  let dbFile: string;
  beforeAll(async () => {
    server = await startTestServer();
    // Some history: sign-ins (ok and failed) and incidents from ingest.
    await login(server.url, 'dispatcher');
    await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'dispatcher', password: 'nope' }) });
    await ingest(server.url, [patrolReport(), patrolReport(), patrolReport()]);
    dbFile = path.join(server.dataDir, 'city.db');
  });
  afterAll(async () => {
    await server.close();
  });

  it('refuses to update or delete a row, even for someone holding the database file', () => {
    const db = new Database(dbFile);
    try {
      expect(() => db.prepare("UPDATE audit SET reason = 'nothing happened' WHERE id = 1").run()).toThrow(/append-only/);
      expect(() => db.prepare('DELETE FROM audit WHERE id = 1').run()).toThrow(/append-only/);
    } finally {
      db.close();
    }
  });

  it('keeps every entry in UTC with who, what, target and outcome, chained row to row', async () => {
    const report = await server.store.verifyAuditChain();
    expect(report.ok).toBe(true);
    expect(report.checked).toBeGreaterThanOrEqual(5);
    const db = new Database(dbFile, { readonly: true });
    try {
      const rows = db.prepare('SELECT * FROM audit ORDER BY id').all() as Record<string, unknown>[];
      for (const row of rows) {
        expect(String(row.at)).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(row.action).toBeTruthy();
        expect(row.entity).toBeTruthy();
        expect(row.entity_id).toBeTruthy();
        expect(['ok', 'refused', 'failed']).toContain(row.outcome);
      }
      expect(rows.some((r) => r.action === 'login' && r.outcome === 'failed')).toBe(true);
    } finally {
      db.close();
    }
    expect(await auditVerify(server.dataDir)).toMatchObject({ code: 0, out: expect.stringContaining('intact') });
  });

  it('the chain check finds a forged row, a removed row and a row slipped in', async () => {
    const verifyAfter = async (tamper: (db: Database.Database) => void) => {
      // A copy of the database, tampered with by someone who dropped the guards.
      const db = new Database(dbFile);
      db.exec('DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;');
      try {
        db.exec('SAVEPOINT tamper');
        tamper(db);
        const rows = (db.prepare('SELECT * FROM audit ORDER BY id').all() as Record<string, unknown>[]).map((r) => ({
          id: r.id as number,
          at: r.at as string,
          actorId: r.actor_id as string | null,
          action: r.action as string,
          entity: r.entity as string,
          entityId: r.entity_id as string,
          before: r.before as string | null,
          after: r.after as string | null,
          reason: r.reason as string | null,
          outcome: r.outcome as string,
          prevHash: r.prev_hash as string | null,
          hash: r.hash as string | null,
        }));
        return verifyAuditRows(rows);
      } finally {
        db.exec('ROLLBACK TO tamper; RELEASE tamper;');
        db.exec(`CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
                 CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;`);
        db.close();
      }
    };
    const forged = await verifyAfter((db) => db.prepare("UPDATE audit SET outcome = 'ok' WHERE outcome = 'failed'").run());
    expect(forged.ok).toBe(false);
    expect(forged.brokenAt?.problem).toMatch(/altered/);
    const removed = await verifyAfter((db) => db.prepare('DELETE FROM audit WHERE id = 2').run());
    expect(removed).toMatchObject({ ok: false, brokenAt: { id: 3 } });
    const inserted = await verifyAfter((db) => {
      const last = db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1').get() as { id: number; hash: string };
      // A row that even follows the previous hash, but whose own hash the forger had to guess.
      db.prepare("INSERT INTO audit (id, at, actor_id, action, entity, entity_id, outcome, prev_hash, hash) VALUES (?, ?, 'x', 'login', 'user', 'x', 'ok', ?, ?)").run(
        last.id + 1,
        new Date().toISOString(),
        last.hash,
        'f'.repeat(64),
      );
    });
    expect(inserted.ok).toBe(false);
    // Untouched, the file still verifies (the tampering was rolled back, guards restored).
    expect((await server.store.verifyAuditChain()).ok).toBe(true);
  });

  it('the verify command exits non-zero and names the row when the file was tampered with', async () => {
    const db = new Database(dbFile);
    db.exec('DROP TRIGGER audit_no_update');
    db.prepare("UPDATE audit SET actor_id = 'someone-else' WHERE id = 3").run();
    db.close();
    const result = await auditVerify(server.dataDir);
    expect(result.code).toBe(1);
    expect(result.out).toContain('BROKEN at row 3');
  });

  it('a row recomputed with its own fields matches, and any field change does not', () => {
    const row = { id: 1, at: '2026-11-30T00:00:00.000Z', actorId: 'a', action: 'login', entity: 'user', entityId: 'a', before: null, after: null, reason: null, outcome: 'ok' };
    const hash = auditHash(GENESIS_HASH, row);
    expect(verifyAuditRows([{ ...row, prevHash: GENESIS_HASH, hash }]).ok).toBe(true);
    for (const [key, value] of Object.entries({ actorId: 'b', action: 'logout', entityId: 'b', reason: 'x', outcome: 'failed', at: '2026-11-30T00:00:01.000Z' })) {
      expect(verifyAuditRows([{ ...row, [key]: value, prevHash: GENESIS_HASH, hash }]).ok, key).toBe(false);
    }
  });
});

const pgUp = await postgresReachable();

describe.skipIf(!pgUp)('audit log on PostgreSQL', () => {
  it('refuses to update or delete a row, and the verify command names a row altered with the guards off', async () => {
    const db = await createTestDatabase();
    const store = await PgStore.open(db.url, { max: 2 });
    try {
      for (let k = 0; k < 3; k += 1) await store.appendAudit({ at: new Date().toISOString(), actorId: 'u1', action: 'login', entity: 'user', entityId: 'u1' });
      await expect(queryDatabase(db.url, "UPDATE audit SET reason = 'nothing happened' WHERE id = 1")).rejects.toThrow(/append-only/);
      await expect(queryDatabase(db.url, 'DELETE FROM audit WHERE id = 1')).rejects.toThrow(/append-only/);
      expect(await auditVerify('/nonexistent', db.url)).toMatchObject({ code: 0, out: expect.stringContaining('3 rows checked') });
      await queryDatabase(db.url, "ALTER TABLE audit DISABLE TRIGGER USER; UPDATE audit SET actor_id = 'someone-else' WHERE id = 2; ALTER TABLE audit ENABLE TRIGGER USER;");
      const result = await auditVerify('/nonexistent', db.url);
      expect(result.code).toBe(1);
      expect(result.out).toContain('BROKEN at row 2');
    } finally {
      await store.close();
      await db.drop();
    }
  });
});
