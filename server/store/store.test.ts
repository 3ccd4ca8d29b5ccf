// The Store contract on both implementations: SQLite always, PostgreSQL on this machine's server
// (a fresh database per test, dropped afterwards; skipped with a reason when unreachable, required in CI).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from './SqliteStore.ts';
import { PgStore } from './PgStore.ts';
import { storeSuite, draftIncident } from './storeSuite.ts';
import { createTestDatabase, postgresReachable, queryDatabase } from '../testing/services.ts';

const SQLITE_AUDIT_GUARDS = `
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;`;

storeSuite('SqliteStore', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-store-'));
  const file = path.join(dir, 'city.db');
  const store = new SqliteStore(file);
  const withFile = (fn: (db: Database.Database) => void) => {
    const db = new Database(file);
    try {
      fn(db);
    } finally {
      db.close();
    }
  };
  return {
    store,
    async dispose() {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    async exec(sql) {
      withFile((db) => db.exec(sql));
    },
    async tamper(sql) {
      withFile((db) => {
        db.exec('DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete;');
        try {
          db.exec(sql);
        } finally {
          db.exec(SQLITE_AUDIT_GUARDS);
        }
      });
    },
  };
});

const pgUp = await postgresReachable();

if (pgUp) {
  storeSuite('PgStore', async () => {
    const db = await createTestDatabase();
    const store = await PgStore.open(db.url, { max: 4 });
    return {
      store,
      async dispose() {
        await store.close();
        await db.drop();
      },
      async exec(sql) {
        await queryDatabase(db.url, sql);
      },
      async tamper(sql) {
        // One multi-statement query runs as one transaction: the guards are off only inside it.
        await queryDatabase(db.url, `ALTER TABLE audit DISABLE TRIGGER USER; ${sql}; ALTER TABLE audit ENABLE TRIGGER USER;`);
      },
    };
  });
}

describe.skipIf(!pgUp)('one migration set, two dialects', () => {
  it('gives both databases the same tables and columns', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-schema-'));
    const sqlite = new SqliteStore(path.join(dir, 'city.db'));
    const db = await createTestDatabase();
    const pg = await PgStore.open(db.url, { max: 1 });
    try {
      await sqlite.close();
      const file = new Database(path.join(dir, 'city.db'), { readonly: true });
      const tables = (file.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[]).map((t) => t.name);
      const lite = tables.flatMap((t) => (file.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => `${t}.${c.name}`)).sort();
      file.close();
      const pgColumns = (
        await queryDatabase<{ c: string }>(db.url, "SELECT table_name || '.' || column_name AS c FROM information_schema.columns WHERE table_schema = 'public'")
      )
        .map((r) => r.c)
        // SQLite's implicit rowid order is an explicit column on PostgreSQL.
        .filter((c) => c !== 'tasks.ord')
        .sort();
      expect(pgColumns).toEqual(lite);
    } finally {
      await pg.close();
      await db.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!pgUp)('PgStore across nodes', () => {
  it('gives a lease to one node at a time, renews it for its holder, and hands it over when it lapses or is released', async () => {
    const db = await createTestDatabase();
    const [a, b] = await Promise.all([PgStore.open(db.url, { max: 4 }), PgStore.open(db.url, { max: 4 })]);
    const now = Date.parse('2026-11-30T08:00:00.000Z');
    const t = (s: number) => new Date(now + s * 1000).toISOString();
    try {
      // Many tries at once from both nodes: exactly one holder wins.
      const tries = await Promise.all(Array.from({ length: 20 }, (_, k) => (k % 2 ? a : b).acquireLease('scheduler', `node-${k}`, 10_000, t(0))));
      expect(tries.filter(Boolean)).toHaveLength(1);
      const winner = `node-${tries.indexOf(true)}`;
      const [holder, other] = tries.indexOf(true) % 2 ? [a, b] : [b, a];
      expect(await other.acquireLease('scheduler', 'node-x', 10_000, t(5))).toBe(false);
      expect(await holder.acquireLease('scheduler', winner, 10_000, t(8))).toBe(true);
      // Renewed at 8 s: still held at 15 s, lapsed at 18 s.
      expect(await other.acquireLease('scheduler', 'node-x', 10_000, t(15))).toBe(false);
      expect(await other.acquireLease('other', 'node-x', 10_000, t(15))).toBe(true);
      expect(await other.acquireLease('scheduler', 'node-x', 10_000, t(18))).toBe(true);
      expect(await holder.acquireLease('scheduler', winner, 10_000, t(19))).toBe(false);
      // Only the holder's release counts; a clean release hands it over at once.
      await holder.releaseLease('scheduler', winner);
      expect(await holder.acquireLease('scheduler', winner, 10_000, t(20))).toBe(false);
      await other.releaseLease('scheduler', 'node-x');
      expect(await holder.acquireLease('scheduler', winner, 10_000, t(20))).toBe(true);
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  it('keeps one audit chain when two nodes write at once', async () => {
    const db = await createTestDatabase();
    const [a, b] = await Promise.all([PgStore.open(db.url, { max: 4 }), PgStore.open(db.url, { max: 4 })]);
    try {
      const at = '2026-11-30T08:00:00.000Z';
      await Promise.all(
        Array.from({ length: 40 }, (_, k) => {
          const node = k % 2 ? a : b;
          if (k % 4 < 2) return node.appendAudit({ at, actorId: `u${k}`, action: 'login', entity: 'user', entityId: `u${k}` });
          const incident = draftIncident();
          return node.ingest([{ kind: 'incident', source: 'patrol', sourceEventId: `a-${k}`, occurredAt: at, payload: {}, incident }], () => {
            throw new Error('no readings here');
          });
        }),
      );
      expect(await a.verifyAuditChain()).toEqual({ ok: true, checked: 40, unchained: 0 });
      const ids = await queryDatabase<{ id: number }>(db.url, 'SELECT id FROM audit ORDER BY id');
      expect(ids.map((r) => Number(r.id))).toEqual(Array.from({ length: 40 }, (_, k) => k + 1));
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });

  it('migrates once when two nodes start together, and orders the log by commit across them', async () => {
    const db = await createTestDatabase();
    const [a, b] = await Promise.all([PgStore.open(db.url, { max: 4 }), PgStore.open(db.url, { max: 4 })]);
    try {
      // Two nodes write concurrently while a reader polls the head: every head it sees is a
      // complete prefix of the log (a change that commits late never lands below a visible one).
      let writing = true;
      const prefixes: boolean[] = [];
      const reader = (async () => {
        while (writing) {
          const head = await a.headSeq();
          const log = await b.changesAfter(0, head);
          prefixes.push(log.length === head && log.every((c, k) => c.seq === k + 1));
        }
      })();
      const writes = Array.from({ length: 60 }, (_, k) => {
        const incident = draftIncident();
        const node = k % 2 ? a : b;
        return node.ingest([{ kind: 'incident', source: 'patrol', sourceEventId: `x-${k}`, occurredAt: incident.createdAt, payload: {}, incident }], () => {
          throw new Error('no readings here');
        });
      });
      const commits = await Promise.all(writes);
      writing = false;
      await reader;
      expect(prefixes.length).toBeGreaterThan(0);
      expect(prefixes.every(Boolean)).toBe(true);
      const seqs = commits.flatMap((c) => c.changes.map((x) => x.seq)).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: 60 }, (_, k) => k + 1));
    } finally {
      await a.close();
      await b.close();
      await db.drop();
    }
  });
});
