// The PostgreSQL store (DATABASE_URL): the same Store as SqliteStore, for several server nodes
// sharing one database. Nothing is cached across calls: another node may have written since.
//
// How it is built, so that adding a method is one query in one place:
// - `read(sql, params)` for plain reads; `write(fn)` for anything that changes state. `write` runs
//   `fn` in one transaction, retries it whole on a deadlock or serialization failure (callbacks
//   are pure, so a retry decides again on fresh rows), and appends the change-log rows `fn` asked
//   for with `t.append(...)` just before COMMIT, after the audit rows it asked for with
//   `writeAudit` (hash-chained under their own lock, also held to COMMIT).
// - The change log's seq is commit order across nodes: the append takes a transaction-scoped
//   advisory lock, numbers its rows after the current head, and holds the lock until COMMIT. The
//   next writer reads the head only after that commit is visible, so seq has no gaps and a reader
//   that sees seq n also sees every seq below it. Appending last keeps the serialized part short.
// - The audit hash chain is kept the same way: its rows are numbered and hashed after the current
//   last row under a transaction-scoped advisory lock, so writers on several nodes extend one
//   chain instead of forking it. The audit lock is always taken before the change-log lock.
// - Rows a decision depends on are read FOR UPDATE, in id order, so concurrent nodes queue on them
//   instead of deciding on stale state.

import pg from 'pg';
import type { Change, ChangeBody, SensorView } from '../../shared/protocol/changes.ts';
import type { DeadlineProfile } from '../../shared/domain/deadlines.ts';
import { OVERDUE_STATUSES, evaluate, evaluateBy, type Evaluation, type EvaluationRecord, type EvaluationRow, type GroupBy } from '../../shared/domain/evaluation.ts';
import type { Alarm, Category, DeadlineRequest, Incident, Sensor, SensorState, Task, TimelineEntry, Unit } from '../../shared/domain/types.ts';
import { isOpen } from '../../shared/domain/incidentMachine.ts';
import { MIGRATIONS, migrationSql } from './migrations.ts';
import { auditEntryOf, evaluationRecord } from './rowMappers.ts';
import { GENESIS_HASH, auditHash, verifyAuditRows, type AuditChainReport, type AuditRow } from './auditChain.ts';
import { changeDistrict } from './SqliteStore.ts';
import type {
  ApiKeyRecord,
  AuditEntry,
  AuditInput,
  DeadlineRefresher,
  DeadlineRequestFilter,
  EvaluationFilter,
  OverdueFilter,
  IncidentFilter,
  IncidentUpdater,
  IngestCommit,
  IngestItemOutcome,
  IngestWrite,
  LinkedEvent,
  MetricsInputs,
  PhotoRecord,
  ReadingBucket,
  ReadingDecider,
  YesterdayInputs,
  SessionRecord,
  Store,
  UnitPosition,
  UpdateResult,
  UserPatch,
  UserRecord,
} from './Store.ts';

type Row = Record<string, unknown>;
type Queryable = Pick<pg.PoolClient, 'query'>;

const OPEN_STATUSES = ['new', 'triaged', 'dispatched', 'accepted', 'on_scene', 'resolved'];
const OPEN_TASK_STATUSES = ['assigned', 'accepted', 'on_scene'];
/** Advisory lock keys (one namespace per purpose). */
const LOCK = { changeLog: 7_301_001, migrate: 7_301_002, startup: 7_301_003, audit: 7_301_004 } as const;
/** Deadlock and serialization failures: the transaction is retried whole. */
const RETRYABLE = new Set(['40P01', '40001']);
const MAX_ATTEMPTS = 8;

/** bigint (COUNT, SUM, BIGSERIAL) as a JS number: every value here stays far below 2^53. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** One transaction: queries, plus the audit and change-log rows to append before it commits. */
class Tx {
  readonly pending: { body: ChangeBody; at: string }[] = [];
  readonly audits: AuditInput[] = [];
  constructor(readonly client: pg.PoolClient) {}

  async rows(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.client.query(sql, params)).rows as Row[];
  }

  async row(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.rows(sql, params))[0];
  }

  async run(sql: string, params: unknown[] = []): Promise<number> {
    return (await this.client.query(sql, params)).rowCount ?? 0;
  }

  /** Ask for a change to be logged with this transaction; its seq is assigned at commit. */
  append(body: ChangeBody, at: string): void {
    this.pending.push({ body, at });
  }
}

export class PgStore implements Store {
  readonly kind = 'postgres' as const;
  private readonly pool: pg.Pool;

  private constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  /** Connect and bring the schema up to date (one node at a time migrates). */
  static async open(databaseUrl: string, options: { max?: number } = {}): Promise<PgStore> {
    const pool = new pg.Pool({ connectionString: databaseUrl, max: options.max ?? 10, types, connectionTimeoutMillis: 10_000 });
    // An idle client losing its connection (database restart) must not take the process down.
    pool.on('error', () => undefined);
    const store = new PgStore(pool);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [LOCK.migrate]);
      await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      const done = new Set((await client.query('SELECT id FROM schema_migrations')).rows.map((r: Row) => r.id as number));
      for (const migration of MIGRATIONS) {
        if (done.has(migration.id)) continue;
        await client.query('BEGIN');
        try {
          await client.query(migrationSql(migration, 'postgres'));
          await client.query('INSERT INTO schema_migrations (id, name, applied_at) VALUES ($1, $2, $3)', [
            migration.id,
            migration.name,
            new Date().toISOString(),
          ]);
          await client.query('COMMIT');
        } catch (error) {
          await client.query('ROLLBACK');
          throw new Error(`migration ${migration.id} (${migration.name}) failed on PostgreSQL: ${(error as Error).message}`);
        }
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK.migrate]).catch(() => undefined);
      client.release();
    }
  }

  /**
   * Run `fn` while holding the cluster-wide start-up lock (seeding: two nodes
   * starting together must not both create the demo accounts).
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('SELECT pg_advisory_lock($1)', [LOCK.startup]);
      return await fn();
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [LOCK.startup]).catch(() => undefined);
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }

  async isReady(): Promise<boolean> {
    try {
      return (await this.read('SELECT 1 AS ok', [])).length === 1;
    } catch {
      return false;
    }
  }

  // ---- the two ways in: reads and write transactions ----

  private async read(sql: string, params: unknown[] = []): Promise<Row[]> {
    return (await this.pool.query(sql, params)).rows as Row[];
  }

  private async readOne(sql: string, params: unknown[] = []): Promise<Row | undefined> {
    return (await this.read(sql, params))[0];
  }

  /** One transaction around `fn`; the changes it appended get their seq and commit with it. */
  private async write<T>(fn: (t: Tx) => Promise<T>, isolation = ''): Promise<{ value: T; changes: Change[] }> {
    for (let attempt = 1; ; attempt += 1) {
      const client = await this.pool.connect();
      const t = new Tx(client);
      let broken = false;
      try {
        await client.query(`BEGIN${isolation ? ` ISOLATION LEVEL ${isolation}` : ''}`);
        const value = await fn(t);
        await this.appendAudits(t);
        const changes = await this.appendPending(t);
        await client.query('COMMIT');
        return { value, changes };
      } catch (error) {
        // A connection that cannot even roll back is discarded, not returned to the pool.
        await client.query('ROLLBACK').catch(() => (broken = true));
        const code = (error as { code?: string }).code;
        if (!(code && RETRYABLE.has(code)) || attempt >= MAX_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
      } finally {
        client.release(broken);
      }
    }
  }

  /** Number and hash the transaction's audit rows after the chain's last one, under the audit lock (held to COMMIT). */
  private async appendAudits(t: Tx): Promise<void> {
    if (t.audits.length === 0) return;
    await t.run('SELECT pg_advisory_xact_lock($1)', [LOCK.audit]);
    const last = await t.row('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1');
    let id = (last?.id as number | undefined) ?? 0;
    let prevHash = (last?.hash as string | null | undefined) ?? GENESIS_HASH;
    const rows: AuditRow[] = t.audits.map((entry) => {
      id += 1;
      const row = {
        id,
        // Stored in UTC whatever zone the caller's clock string carried.
        at: new Date(entry.at).toISOString(),
        actorId: entry.actorId,
        action: entry.action,
        entity: entry.entity,
        entityId: entry.entityId,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
        reason: entry.reason ?? null,
        outcome: entry.outcome ?? 'ok',
      };
      const hash = auditHash(prevHash, row);
      const chained = { ...row, prevHash, hash };
      prevHash = hash;
      return chained;
    });
    const column = <K extends keyof AuditRow>(key: K) => rows.map((r) => r[key]);
    await t.run(
      `INSERT INTO audit (id, at, actor_id, action, entity, entity_id, before, after, reason, outcome, prev_hash, hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[])`,
      [
        column('id'),
        column('at'),
        column('actorId'),
        column('action'),
        column('entity'),
        column('entityId'),
        column('before'),
        column('after'),
        column('reason'),
        column('outcome'),
        column('prevHash'),
        column('hash'),
      ],
    );
  }

  /** Number and insert the transaction's changes under the change-log lock (held to COMMIT). */
  private async appendPending(t: Tx): Promise<Change[]> {
    if (t.pending.length === 0) return [];
    await t.run('SELECT pg_advisory_xact_lock($1)', [LOCK.changeLog]);
    const head = ((await t.row('SELECT COALESCE(MAX(seq), 0) AS head FROM changes'))!.head as number) ?? 0;
    const changes = t.pending.map(({ body }, k) => ({ ...body, seq: head + k + 1 }) as Change);
    await t.run(
      `INSERT INTO changes (seq, at, type, district_id, body)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        changes.map((c) => c.seq),
        t.pending.map((p) => p.at),
        t.pending.map((p) => p.body.type),
        t.pending.map((p) => changeDistrict(p.body)),
        t.pending.map((p) => JSON.stringify(p.body)),
      ],
    );
    return changes;
  }

  // ---- people and keys ----

  async countUsers(): Promise<number> {
    return (await this.readOne('SELECT COUNT(*) AS n FROM users'))!.n as number;
  }

  async createUser(user: UserRecord, at: string): Promise<void> {
    await this.read(
      `INSERT INTO users (id, username, password_hash, role, display_name, district_id, unit_id, disabled, kiosk, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [user.id, user.username, user.passwordHash, user.role, user.displayName, user.districtId, user.unitId, user.disabled ? 1 : 0, user.kiosk ? 1 : 0, at],
    );
  }

  private toUser(row: Row | undefined): UserRecord | undefined {
    if (!row) return undefined;
    return {
      id: row.id as string,
      username: row.username as string,
      passwordHash: row.password_hash as string,
      role: row.role as UserRecord['role'],
      displayName: row.display_name as string,
      districtId: (row.district_id as string | null) ?? null,
      unitId: (row.unit_id as string | null) ?? null,
      disabled: row.disabled === 1,
      kiosk: row.kiosk === 1,
    };
  }

  async findUserByUsername(username: string): Promise<UserRecord | undefined> {
    return this.toUser(await this.readOne('SELECT * FROM users WHERE username = $1', [username]));
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return this.toUser(await this.readOne('SELECT * FROM users WHERE id = $1', [id]));
  }

  async createSession(session: SessionRecord): Promise<void> {
    await this.read('INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      session.id,
      session.tokenHash,
      session.userId,
      session.createdAt,
      session.expiresAt,
      session.lastSeenAt,
    ]);
  }

  private toSession(row: Row): SessionRecord {
    return {
      // Sessions from before migration 9 have no id: the digest's head serves, as on SQLite.
      id: (row.id as string | null) ?? (row.token_hash as string).slice(0, 16),
      tokenHash: row.token_hash as string,
      userId: row.user_id as string,
      createdAt: row.created_at as string,
      expiresAt: row.expires_at as string,
      lastSeenAt: (row.last_seen_at as string | null) ?? null,
    };
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = await this.readOne('SELECT * FROM sessions WHERE token_hash = $1', [tokenHash]);
    return row ? this.toSession(row) : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.read('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  // ---- security ----

  async listUsers(): Promise<UserRecord[]> {
    return (await this.read('SELECT * FROM users ORDER BY username')).map((row) => this.toUser(row)!);
  }

  async updateUser(id: string, patch: UserPatch, audit?: AuditInput): Promise<UserRecord | undefined> {
    const columns: Record<keyof UserPatch, string> = {
      role: 'role',
      districtId: 'district_id',
      unitId: 'unit_id',
      disabled: 'disabled',
      passwordHash: 'password_hash',
      kiosk: 'kiosk',
      displayName: 'display_name',
    };
    const sets: string[] = [];
    const values: unknown[] = [id];
    for (const [key, column] of Object.entries(columns) as [keyof UserPatch, string][]) {
      if (!(key in patch)) continue;
      const value = patch[key];
      values.push(typeof value === 'boolean' ? (value ? 1 : 0) : (value ?? null));
      sets.push(`${column} = $${values.length}`);
    }
    const { value } = await this.write(async (t) => {
      const row = sets.length > 0
        ? await t.row(`UPDATE users SET ${sets.join(', ')} WHERE id = $1 RETURNING *`, values)
        : await t.row('SELECT * FROM users WHERE id = $1', [id]);
      const user = this.toUser(row);
      if (user && audit) this.writeAudit(t, audit);
      return user;
    });
    return value;
  }

  async listSessions(): Promise<SessionRecord[]> {
    return (await this.read('SELECT * FROM sessions ORDER BY created_at, token_hash')).map((row) => this.toSession(row));
  }

  async touchSession(tokenHash: string, at: string): Promise<void> {
    await this.read('UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2', [at, tokenHash]);
  }

  async deleteSessions(match: { tokenHash?: string; id?: string; userId?: string }): Promise<SessionRecord[]> {
    const where: string[] = [];
    const values: string[] = [];
    const p = (value: string) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (match.tokenHash !== undefined) where.push(`token_hash = ${p(match.tokenHash)}`);
    if (match.id !== undefined) {
      const id = p(match.id);
      where.push(`(id = ${id} OR (id IS NULL AND substr(token_hash, 1, 16) = ${id}))`);
    }
    if (match.userId !== undefined) where.push(`user_id = ${p(match.userId)}`);
    if (where.length === 0) return [];
    const rows = await this.read(`DELETE FROM sessions WHERE ${where.join(' AND ')} RETURNING *`, values);
    return rows.map((row) => this.toSession(row)).sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.tokenHash, b.tokenHash));
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (await this.read('SELECT * FROM api_keys ORDER BY created_at, id')).map((row) => ({
      id: row.id as string,
      name: row.name as string,
      scope: 'ingest' as const,
      revoked: row.revoked_at !== null,
      createdAt: row.created_at as string,
    }));
  }

  async revokeApiKey(id: string, at: string): Promise<boolean> {
    const rows = await this.read('UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL RETURNING id', [at, id]);
    return rows.length === 1;
  }

  async appendAudit(entry: AuditInput): Promise<void> {
    await this.write(async (t) => this.writeAudit(t, entry));
  }

  async verifyAuditChain(): Promise<AuditChainReport> {
    // Read in id pages (one snapshot each is enough: rows are only ever appended after the last).
    const rows: AuditRow[] = [];
    for (let after = 0; ; ) {
      const page = await this.read('SELECT * FROM audit WHERE id > $1 ORDER BY id LIMIT 5000', [after]);
      if (page.length === 0) break;
      for (const row of page) {
        rows.push({
          id: row.id as number,
          at: row.at as string,
          actorId: (row.actor_id as string | null) ?? null,
          action: row.action as string,
          entity: row.entity as string,
          entityId: row.entity_id as string,
          before: (row.before as string | null) ?? null,
          after: (row.after as string | null) ?? null,
          reason: (row.reason as string | null) ?? null,
          outcome: row.outcome as string,
          prevHash: (row.prev_hash as string | null) ?? null,
          hash: (row.hash as string | null) ?? null,
        });
      }
      after = page[page.length - 1]!.id as number;
    }
    return verifyAuditRows(rows);
  }

  async scrubCallers(before: string): Promise<number> {
    const rows = await this.read('DELETE FROM callers WHERE event_id IN (SELECT id FROM events WHERE received_at < $1) RETURNING event_id', [before]);
    return rows.length;
  }

  async createApiKey(id: string, name: string, keyHash: string, at: string): Promise<void> {
    await this.read("INSERT INTO api_keys (id, key_hash, name, scope, created_at) VALUES ($1, $2, $3, 'ingest', $4)", [id, keyHash, name, at]);
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.readOne('SELECT * FROM api_keys WHERE key_hash = $1', [keyHash]);
    if (!row) return undefined;
    return { id: row.id as string, name: row.name as string, scope: 'ingest', revoked: row.revoked_at !== null };
  }

  async findIdempotent(userId: string, key: string): Promise<{ status: number; body: unknown } | undefined> {
    const row = await this.readOne('SELECT status, body FROM idempotency_keys WHERE user_id = $1 AND key = $2', [userId, key]);
    return row ? { status: row.status as number, body: JSON.parse(row.body as string) as unknown } : undefined;
  }

  async saveIdempotent(userId: string, key: string, status: number, body: unknown, at: string): Promise<void> {
    await this.read(
      'INSERT INTO idempotency_keys (user_id, key, status, body, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING',
      [userId, key, status, JSON.stringify(body), at],
    );
  }

  async createPhoto(photo: PhotoRecord): Promise<void> {
    await this.read('INSERT INTO photos (id, user_id, incident_id, content_type, bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6)', [
      photo.id,
      photo.userId,
      photo.incidentId,
      photo.contentType,
      photo.bytes,
      photo.createdAt,
    ]);
  }

  async getPhoto(id: string): Promise<PhotoRecord | undefined> {
    const row = await this.readOne('SELECT * FROM photos WHERE id = $1', [id]);
    if (!row) return undefined;
    return {
      id: row.id as string,
      userId: row.user_id as string,
      incidentId: (row.incident_id as string | null) ?? null,
      contentType: row.content_type as string,
      bytes: row.bytes as number,
      createdAt: row.created_at as string,
    };
  }

  // ---- reference data ----

  private async upsertJson(table: 'categories' | 'units' | 'sensors', key: 'code' | 'id', items: { key: string; data: unknown }[]): Promise<void> {
    if (items.length === 0) return;
    await this.write((t) =>
      t.run(
        `INSERT INTO ${table} (${key}, data) SELECT * FROM unnest($1::text[], $2::text[]) ORDER BY 1
         ON CONFLICT (${key}) DO UPDATE SET data = excluded.data`,
        [items.map((i) => i.key), items.map((i) => JSON.stringify(i.data))],
      ),
    );
  }

  async upsertCategories(categories: Category[]): Promise<void> {
    await this.upsertJson('categories', 'code', dedupe(categories.map((c) => ({ key: c.code, data: c }))));
  }

  async listCategories(): Promise<Category[]> {
    return (await this.read('SELECT data FROM categories ORDER BY code')).map((r) => JSON.parse(r.data as string) as Category);
  }

  async upsertUnits(units: Unit[]): Promise<void> {
    await this.upsertJson('units', 'id', dedupe(units.map((u) => ({ key: u.id, data: u }))));
  }

  async listUnits(): Promise<Unit[]> {
    return (await this.read('SELECT data FROM units ORDER BY id', [])).map((r) => JSON.parse(r.data as string) as Unit);
  }

  async upsertSensors(sensors: Sensor[]): Promise<void> {
    await this.upsertJson('sensors', 'id', dedupe(sensors.map((s) => ({ key: s.id, data: s }))));
  }

  async listSensors(): Promise<SensorView[]> {
    return this.sensorViews(this.pool);
  }

  private async sensorViews(q: Queryable): Promise<SensorView[]> {
    const { rows } = await q.query(
      `SELECT s.data, l.value, l.at, l.online, l.level FROM sensors s LEFT JOIN sensor_latest l ON l.sensor_id = s.id AND l.at IS NOT NULL
       ORDER BY s.id`,
    );
    return (rows as Row[]).map((r) => {
      const sensor = JSON.parse(r.data as string) as Sensor;
      return {
        ...sensor,
        value: (r.value as number | null) ?? null,
        at: (r.at as string | null) ?? null,
        online: r.online === 1,
        level: (r.level as SensorView['level'] | null) ?? 'normal',
      };
    });
  }

  // ---- writes ----

  private incidentParams(incident: Incident): unknown[] {
    return [
      incident.id,
      incident.code,
      incident.status,
      incident.districtId,
      incident.category,
      incident.severity,
      incident.createdAt,
      incident.updatedAt,
      incident.version,
      JSON.stringify(incident),
      incident.stageAt.dispatched ?? null,
      incident.stageAt.on_scene ?? null,
      incident.parentId,
      // The scheduler's "next look" column follows every write of the incident (closed: none).
      isOpen(incident.status) ? (incident.deadline?.nextAt ?? null) : null,
    ];
  }

  private async insertIncidentRow(t: Tx, incident: Incident): Promise<void> {
    await t.run(
      `INSERT INTO incidents (id, code, status, district_id, category, severity, created_at, updated_at, version, data, dispatched_at, on_scene_at, parent_id, deadline_next_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
      this.incidentParams(incident),
    );
  }

  /** Write the new version of an incident read earlier in the transaction. */
  private async updateIncidentRow(t: Tx, after: Incident, previousVersion: number): Promise<void> {
    const n = await t.run(
      `UPDATE incidents SET code = $2, status = $3, district_id = $4, category = $5, severity = $6, created_at = $7, updated_at = $8,
         version = $9, data = $10, dispatched_at = $11, on_scene_at = $12, parent_id = $13, deadline_next_at = $14
       WHERE id = $1 AND version = $15`,
      [...this.incidentParams(after), previousVersion],
    );
    if (n !== 1) throw new Error(`incident ${after.id} changed under a transaction`);
  }

  private async lockIncident(t: Tx, id: string): Promise<Incident | undefined> {
    const row = await t.row('SELECT data FROM incidents WHERE id = $1 FOR UPDATE', [id]);
    return row ? (JSON.parse(row.data as string) as Incident) : undefined;
  }

  private async insertTimeline(t: Tx, incidentId: string, entry: TimelineEntry): Promise<void> {
    await t.run('INSERT INTO timeline (incident_id, data) VALUES ($1, $2)', [incidentId, JSON.stringify(entry)]);
  }

  /** Ask for an audit row with this transaction; it is numbered and chained at commit (appendAudits). */
  private writeAudit(t: Tx, entry: AuditInput): void {
    t.audits.push(entry);
  }

  private async upsertTask(t: Tx, task: Task): Promise<void> {
    await t.run(
      `INSERT INTO tasks (id, incident_id, unit_id, status, data) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      [task.id, task.incidentId, task.unitId, task.status, JSON.stringify(task)],
    );
  }

  private async upsertUnitRow(t: Tx, unit: Unit): Promise<void> {
    await t.run('INSERT INTO units (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = excluded.data', [unit.id, JSON.stringify(unit)]);
  }

  private async upsertAlarm(t: Tx, alarm: Alarm): Promise<void> {
    await t.run(
      `INSERT INTO alarms (id, sensor_id, status, data) VALUES ($1, $2, $3, $4)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      [alarm.id, alarm.sensorId, alarm.status, JSON.stringify(alarm)],
    );
  }

  private async insertEvent(t: Tx, write: Extract<IngestWrite, { kind: 'incident' }>, receivedAt: string, incidentId: string): Promise<void> {
    const row = await t.row(
      'INSERT INTO events (source, source_event_id, occurred_at, received_at, incident_id, payload) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id',
      [write.source, write.sourceEventId, write.occurredAt, receivedAt, incidentId, JSON.stringify(write.payload)],
    );
    if (write.caller) {
      await t.run('INSERT INTO callers (event_id, incident_id, name, phone) VALUES ($1, $2, $3, $4)', [row!.id, incidentId, write.caller.name, write.caller.phone]);
    }
  }

  private async writeLatest(t: Tx, states: SensorState[]): Promise<void> {
    if (states.length === 0) return;
    const sorted = [...states].sort((a, b) => compare(a.id, b.id));
    await t.run(
      `INSERT INTO sensor_latest (sensor_id, value, at, level, online, pending_level, pending_since)
       SELECT * FROM unnest($1::text[], $2::float8[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[])
       ON CONFLICT (sensor_id) DO UPDATE SET value = excluded.value, at = excluded.at, level = excluded.level, online = excluded.online,
         pending_level = excluded.pending_level, pending_since = excluded.pending_since`,
      [
        sorted.map((s) => s.id),
        sorted.map((s) => s.value),
        sorted.map((s) => s.at),
        sorted.map((s) => s.level),
        sorted.map((s) => (s.online ? 1 : 0)),
        sorted.map((s) => s.pending?.level ?? null),
        sorted.map((s) => s.pending?.since ?? null),
      ],
    );
  }

  /**
   * The embedded store shares one transaction across a bulk load to save a durable commit per
   * command. Here every method takes its own pooled connection and transaction, so there is no
   * single transaction to share without threading one through every call; the load runs as is
   * (one commit per command), which only costs start-up time: it happens before the server listens.
   */
  async bulkLoad<T>(load: () => Promise<T>): Promise<T> {
    return load();
  }

  async ingest(writes: IngestWrite[], decideReading: ReadingDecider, receivedAt = new Date().toISOString()): Promise<IngestCommit> {
    const { value, changes } = await this.write(async (t) => {
      const outcomes: IngestItemOutcome[] = [];
      const readings = writes.filter((w): w is Extract<IngestWrite, { kind: 'reading' }> => w.kind === 'reading');
      // Readings: claim every key in one statement; the first of a repeated key in the batch wins.
      const claimed = new Set<string>();
      const previous = new Map<string, SensorState>();
      const active = new Map<string, Alarm | undefined>();
      if (readings.length > 0) {
        const keys = [...new Set(readings.map((r) => r.sourceEventId))];
        for (const r of await t.rows(
          `INSERT INTO ingest_keys (source, source_event_id) SELECT 'sensor', k FROM unnest($1::text[]) AS k ORDER BY k
           ON CONFLICT DO NOTHING RETURNING source_event_id`,
          [keys],
        )) {
          claimed.add(r.source_event_id as string);
        }
        // The sensors' latest states, locked in id order: concurrent nodes take turns per sensor.
        const sensorIds = [...new Set(readings.filter((r) => claimed.has(r.sourceEventId)).map((r) => r.sensorId))].sort(compare);
        if (sensorIds.length > 0) {
          await t.run(
            `INSERT INTO sensor_latest (sensor_id, level, online) SELECT id, 'normal', 0 FROM unnest($1::text[]) AS id ORDER BY id
             ON CONFLICT DO NOTHING`,
            [sensorIds],
          );
          for (const row of await t.rows('SELECT * FROM sensor_latest WHERE sensor_id = ANY($1) ORDER BY sensor_id FOR UPDATE', [sensorIds])) {
            const state = toSensorState(row);
            if (state) previous.set(state.id, state);
          }
          for (const row of await t.rows("SELECT data FROM alarms WHERE sensor_id = ANY($1) AND status <> 'cleared'", [sensorIds])) {
            const alarm = JSON.parse(row.data as string) as Alarm;
            active.set(alarm.sensorId, alarm);
          }
        }
      }
      const rawReadings: { sensorId: string; metric: string; value: number; at: string }[] = [];
      const touched = new Map<string, SensorState>();
      for (const write of writes) {
        if (write.kind === 'reading') {
          if (!claimed.delete(write.sourceEventId)) {
            outcomes.push({ status: 'duplicate' });
            continue;
          }
          rawReadings.push(write);
          const decided = decideReading(write.sensorId, write.value, write.at, touched.get(write.sensorId) ?? previous.get(write.sensorId), active.get(write.sensorId));
          touched.set(write.sensorId, decided.state);
          let alarm = decided.alarm;
          let openedId: string | undefined;
          if (alarm && decided.openIncident) {
            // 未诉先办: the alarm opens its own case before anyone calls; that case is the reading's result.
            openedId = (await this.insertNewIncident(t, decided.openIncident, 'sensor', receivedAt)).id;
            alarm = { ...alarm, incidentId: openedId };
          }
          if (alarm?.status === 'cleared' && alarm.incidentId) await this.noteAlarmCleared(t, alarm.incidentId, receivedAt);
          if (alarm) {
            await this.upsertAlarm(t, alarm);
            active.set(write.sensorId, alarm.status === 'cleared' ? undefined : alarm);
            t.append({ type: 'alarm', alarm }, receivedAt);
          }
          outcomes.push({ status: 'accepted', ...(openedId ? { incidentId: openedId } : {}) });
          continue;
        }
        const parent = write.linkTo ? await this.lockIncident(t, write.linkTo) : undefined;
        const linkable = parent !== undefined && isOpen(parent.status) && parent.parentId === null;
        const claimedKey = await t.row(
          'INSERT INTO ingest_keys (source, source_event_id, incident_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING RETURNING source_event_id',
          [write.source, write.sourceEventId, linkable ? parent.id : write.incident.id],
        );
        if (!claimedKey) {
          const row = await t.row('SELECT incident_id FROM ingest_keys WHERE source = $1 AND source_event_id = $2', [write.source, write.sourceEventId]);
          outcomes.push({ status: 'duplicate', incidentId: (row?.incident_id as string | null) ?? undefined });
          continue;
        }
        if (linkable) {
          // A repeated report (重复来电): the open incident counts it; no new case is opened.
          const linked: Incident = { ...parent, repeatCount: parent.repeatCount + 1, version: parent.version + 1, updatedAt: receivedAt };
          await this.updateIncidentRow(t, linked, parent.version);
          await this.insertEvent(t, write, receivedAt, parent.id);
          const entry: TimelineEntry = { at: receivedAt, action: 'repeat', actorId: null, from: parent.status, to: parent.status, note: write.source };
          await this.insertTimeline(t, parent.id, entry);
          this.writeAudit(t, {
            at: receivedAt,
            actorId: `source:${write.source}`,
            action: 'repeat',
            entity: 'incident',
            entityId: parent.id,
            after: { repeatCount: linked.repeatCount },
          });
          t.append({ type: 'incident', incident: linked }, receivedAt);
          outcomes.push({ status: 'accepted', incidentId: parent.id, linked: true });
          continue;
        }
        const incident = await this.insertNewIncident(t, write.incident, write.source, receivedAt);
        await this.insertEvent(t, write, receivedAt, incident.id);
        outcomes.push({ status: 'accepted', incidentId: incident.id });
      }
      await this.insertReadings(t, rawReadings);
      await this.writeLatest(t, [...touched.values()]);
      return { outcomes, sensorStates: [...touched.values()] };
    });
    return { outcomes: value.outcomes, changes, sensorStates: value.sensorStates };
  }

  /** Raw readings in one multi-row insert; their minute rollups folded in JS first, one row per key. */
  private async insertReadings(t: Tx, readings: { sensorId: string; metric: string; value: number; at: string }[]): Promise<void> {
    if (readings.length === 0) return;
    await t.run('INSERT INTO readings (sensor_id, metric, value, at) SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[])', [
      readings.map((r) => r.sensorId),
      readings.map((r) => r.metric),
      readings.map((r) => r.value),
      readings.map((r) => r.at),
    ]);
    const buckets = new Map<string, { sensorId: string; minute: string; n: number; sum: number; min: number; max: number }>();
    for (const r of readings) {
      const minute = r.at.slice(0, 16);
      const key = `${r.sensorId}\u0000${minute}`;
      const b = buckets.get(key);
      if (b) {
        b.n += 1;
        b.sum += r.value;
        b.min = Math.min(b.min, r.value);
        b.max = Math.max(b.max, r.value);
      } else buckets.set(key, { sensorId: r.sensorId, minute, n: 1, sum: r.value, min: r.value, max: r.value });
    }
    const rows = [...buckets.values()].sort((a, b) => compare(a.sensorId, b.sensorId) || compare(a.minute, b.minute));
    await t.run(
      `INSERT INTO readings_1m (sensor_id, minute, n, sum, min, max)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::float8[], $5::float8[], $6::float8[])
       ON CONFLICT (sensor_id, minute) DO UPDATE SET n = readings_1m.n + excluded.n, sum = readings_1m.sum + excluded.sum,
         min = LEAST(readings_1m.min, excluded.min), max = GREATEST(readings_1m.max, excluded.max)`,
      [rows.map((r) => r.sensorId), rows.map((r) => r.minute), rows.map((r) => r.n), rows.map((r) => r.sum), rows.map((r) => r.min), rows.map((r) => r.max)],
    );
  }

  /** Open a new incident: its day's code, a timeline start, an audit entry and a change. */
  private async insertNewIncident(t: Tx, draft: Incident, source: string, at: string): Promise<Incident> {
    const counter = await t.row(
      'INSERT INTO counters (name, value) VALUES ($1, 1) ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 RETURNING value',
      [draft.code],
    );
    const incident: Incident = { ...draft, code: `${draft.code}-${String(counter!.value as number).padStart(4, '0')}` };
    await this.insertIncidentRow(t, incident);
    const entry: TimelineEntry = { at: incident.createdAt, action: 'create', actorId: null, from: null, to: incident.status, note: source };
    await this.insertTimeline(t, incident.id, entry);
    this.writeAudit(t, {
      at,
      actorId: `source:${source}`,
      action: 'create',
      entity: 'incident',
      entityId: incident.id,
      after: { status: incident.status, category: incident.category, severity: incident.severity },
    });
    t.append({ type: 'incident', incident }, at);
    return incident;
  }

  /** The alarm behind an open incident cleared: say so on the case, for someone to verify; never close it. */
  private async noteAlarmCleared(t: Tx, incidentId: string, at: string): Promise<void> {
    const before = await this.lockIncident(t, incidentId);
    if (!before || !isOpen(before.status)) return;
    const after: Incident = { ...before, version: before.version + 1, updatedAt: at };
    await this.updateIncidentRow(t, after, before.version);
    await this.insertTimeline(t, incidentId, { at, action: 'alarm_cleared', actorId: null, from: before.status, to: before.status, note: 'verify on site' });
    this.writeAudit(t, { at, actorId: 'source:sensor', action: 'alarm_cleared', entity: 'incident', entityId: incidentId });
    t.append({ type: 'incident', incident: after }, at);
  }

  async acknowledgeAlarm(alarmId: string, actorId: string, at: string): Promise<{ alarm: Alarm; changes: Change[]; refused?: string } | undefined> {
    const { value, changes } = await this.write(async (t) => {
      const row = await t.row('SELECT data FROM alarms WHERE id = $1 FOR UPDATE', [alarmId]);
      if (!row) return undefined;
      const alarm = JSON.parse(row.data as string) as Alarm;
      if (alarm.status !== 'raised') return { alarm, refused: `the alarm is ${alarm.status}` };
      const acknowledged: Alarm = { ...alarm, status: 'acknowledged', acknowledgedBy: actorId, acknowledgedAt: at };
      await this.upsertAlarm(t, acknowledged);
      this.writeAudit(t, { at, actorId, action: 'acknowledge', entity: 'alarm', entityId: alarm.id, before: { status: alarm.status }, after: { status: acknowledged.status } });
      t.append({ type: 'alarm', alarm: acknowledged }, at);
      return { alarm: acknowledged };
    });
    if (!value) return undefined;
    return value.refused ? { alarm: value.alarm, changes, refused: value.refused } : { alarm: value.alarm, changes };
  }

  async markOffline(sensorIds: readonly string[]): Promise<SensorState[]> {
    if (sensorIds.length === 0) return [];
    const { value } = await this.write(async (t) => {
      const rows = await t.rows(
        `UPDATE sensor_latest SET online = 0 WHERE sensor_id IN (
           SELECT sensor_id FROM sensor_latest WHERE sensor_id = ANY($1) AND online = 1 AND at IS NOT NULL ORDER BY sensor_id FOR UPDATE)
         RETURNING *`,
        [[...sensorIds]],
      );
      return rows.map(toSensorState).filter((s): s is SensorState => s !== undefined).sort((a, b) => compare(a.id, b.id));
    });
    return value;
  }

  async readingSeries(sensorId: string, from: string, to: string, bucket: 'minute' | 'hour'): Promise<ReadingBucket[]> {
    const key = bucket === 'minute' ? 'minute' : 'substr(minute, 1, 13)';
    const suffix = bucket === 'minute' ? ':00.000Z' : ':00:00.000Z';
    const rows = await this.read(
      `SELECT ${key} AS bucket, SUM(n) AS n, SUM(sum) AS total, MIN(min) AS lo, MAX(max) AS hi FROM readings_1m
       WHERE sensor_id = $1 AND minute >= substr($2, 1, 16) AND minute < substr($3, 1, 16) GROUP BY bucket ORDER BY bucket`,
      [sensorId, from, to],
    );
    return rows.map((r) => ({
      at: `${r.bucket as string}${suffix}`,
      n: r.n as number,
      avg: Math.round(((r.total as number) / (r.n as number)) * 1000) / 1000,
      min: r.lo as number,
      max: r.hi as number,
    }));
  }

  async silentSince(before: string): Promise<SensorState[]> {
    const rows = await this.read('SELECT * FROM sensor_latest WHERE online = 1 AND at IS NOT NULL AND at < $1 ORDER BY sensor_id', [before]);
    return rows.map(toSensorState).filter((s): s is SensorState => s !== undefined);
  }

  async updateIncident(id: string, updater: IncidentUpdater, at: string, relatedIds: string[] = []): Promise<UpdateResult | undefined> {
    const { value, changes } = await this.write(async (t) => {
      // Lock the incident and the related ones in id order, so two commands never wait on each other.
      const ids = [...new Set([id, ...relatedIds])].sort(compare);
      const locked = new Map<string, Incident>();
      for (const row of await t.rows('SELECT data FROM incidents WHERE id = ANY($1) ORDER BY id FOR UPDATE', [ids])) {
        const incident = JSON.parse(row.data as string) as Incident;
        locked.set(incident.id, incident);
      }
      const before = locked.get(id);
      if (!before) return undefined;
      const related = relatedIds.map((r) => locked.get(r)).filter((i): i is Incident => i !== undefined);
      const tasks = await this.tasksIn(t.client, id);
      const update = updater(before, tasks, related);
      const { decision } = update;
      if (!decision.ok) return decision;
      const writeIncident = async (previous: Incident, after: Incident, entry: TimelineEntry, reason?: string) => {
        await this.updateIncidentRow(t, after, previous.version);
        await this.insertTimeline(t, after.id, entry);
        this.writeAudit(t, {
          at,
          actorId: entry.actorId,
          action: entry.action,
          entity: 'incident',
          entityId: after.id,
          before: { status: previous.status, version: previous.version, unitId: previous.unitId },
          after: { status: after.status, version: after.version, unitId: after.unitId },
          reason: reason ?? entry.note,
        });
        t.append({ type: 'incident', incident: after }, at);
      };
      await writeIncident(before, decision.incident, decision.entry, update.audit?.reason);
      if (update.attachPhotoId) {
        // Only a photo not yet attached to any case can become this one's evidence.
        const attached = await t.run('UPDATE photos SET incident_id = $1 WHERE id = $2 AND incident_id IS NULL', [id, update.attachPhotoId]);
        if (attached !== 1) throw new Error(`photo ${update.attachPhotoId} is not available`);
      }
      for (const { incident, entry } of update.related ?? []) {
        const previous = related.find((r) => r.id === incident.id);
        if (!previous) throw new Error(`related incident ${incident.id} was not read in the transaction`);
        await writeIncident(previous, incident, entry);
      }
      for (const task of update.tasks ?? []) {
        await this.upsertTask(t, task);
        t.append({ type: 'task', task }, at);
      }
      for (const unit of update.units ?? []) {
        await this.upsertUnitRow(t, unit);
        t.append({ type: 'unit', unit }, at);
      }
      for (const request of update.requests ?? []) await this.writeRequest(t, request);
      return decision;
    });
    if (!value) return undefined;
    return { decision: value, changes };
  }

  async setUnitPositions(updates: readonly UnitPosition[]): Promise<Unit[]> {
    if (updates.length === 0) return [];
    const { value } = await this.write(async (t) => {
      const ids = [...new Set(updates.map((u) => u.unitId))].sort(compare);
      const units = new Map<string, Unit>();
      for (const row of await t.rows('SELECT data FROM units WHERE id = ANY($1) ORDER BY id FOR UPDATE', [ids])) {
        const unit = JSON.parse(row.data as string) as Unit;
        units.set(unit.id, unit);
      }
      const out: Unit[] = [];
      for (const { unitId, position, at } of updates) {
        const current = units.get(unitId);
        if (!current) continue;
        const unit: Unit = { ...current, position, positionAt: at };
        units.set(unitId, unit);
        out.push(unit);
      }
      const latest = [...new Map(out.map((u) => [u.id, u])).values()];
      if (latest.length > 0) {
        await t.run('UPDATE units SET data = v.data FROM unnest($1::text[], $2::text[]) AS v(id, data) WHERE units.id = v.id', [
          latest.map((u) => u.id),
          latest.map((u) => JSON.stringify(u)),
        ]);
      }
      return out;
    });
    return value;
  }

  async appendChanges(bodies: ChangeBody[], at: string): Promise<Change[]> {
    const { changes } = await this.write(async (t) => {
      for (const body of bodies) t.append(body, at);
    });
    return changes;
  }

  // ---- reads ----

  async getIncident(id: string): Promise<Incident | undefined> {
    const row = await this.readOne('SELECT data FROM incidents WHERE id = $1', [id]);
    return row ? (JSON.parse(row.data as string) as Incident) : undefined;
  }

  async listIncidents(filter: IncidentFilter): Promise<{ items: Incident[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.statuses?.length) where.push(`status = ANY(${p(filter.statuses)}::text[])`);
    if (filter.districtId) where.push(`district_id = ${p(filter.districtId)}`);
    if (filter.category) {
      // A category filter matches the code and everything below it in the tree.
      where.push(`(category = ${p(filter.category)} OR category LIKE ${p(`${escapeLike(filter.category)}.%`)} ESCAPE '\\')`);
    }
    if (filter.severity) where.push(`severity = ${p(filter.severity)}`);
    if (filter.q) {
      // ILIKE: SQLite's LIKE ignores ASCII case, and both stores must find the same incidents.
      const like = p(`%${escapeLike(filter.q)}%`);
      where.push(`(code ILIKE ${like} ESCAPE '\\' OR data ILIKE ${like} ESCAPE '\\')`);
    }
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor);
      const c = p(createdAt);
      where.push(`(created_at < ${c} OR (created_at = ${c} AND id < ${p(id)}))`);
    }
    const rows = await this.read(
      `SELECT data FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ${p(filter.limit + 1)}`,
      params,
    );
    const items = rows.slice(0, filter.limit).map((r) => JSON.parse(r.data as string) as Incident);
    const last = items[items.length - 1];
    const nextCursor = rows.length > filter.limit && last ? encodeCursor(last.createdAt, last.id) : null;
    return { items, nextCursor };
  }

  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    return (await this.read('SELECT data FROM timeline WHERE incident_id = $1 ORDER BY id', [incidentId])).map(
      (r) => JSON.parse(r.data as string) as TimelineEntry,
    );
  }

  async linkedEvents(incidentId: string): Promise<LinkedEvent[]> {
    const rows = await this.read(
      `SELECT id, source, source_event_id, occurred_at, received_at, payload FROM events
       WHERE incident_id = $1 OR incident_id IN (SELECT id FROM incidents WHERE parent_id = $1) ORDER BY id`,
      [incidentId],
    );
    return rows.map((r) => ({
      id: r.id as number,
      source: r.source as LinkedEvent['source'],
      sourceEventId: r.source_event_id as string,
      occurredAt: r.occurred_at as string,
      receivedAt: r.received_at as string,
      payload: JSON.parse(r.payload as string) as unknown,
    }));
  }

  async callersOf(incidentId: string): Promise<{ name: string; phone: string; eventId: number }[]> {
    const rows = await this.read(
      `SELECT name, phone, event_id FROM callers
       WHERE incident_id = $1 OR incident_id IN (SELECT id FROM incidents WHERE parent_id = $1) ORDER BY event_id`,
      [incidentId],
    );
    return rows.map((r) => ({ name: r.name as string, phone: r.phone as string, eventId: r.event_id as number }));
  }

  private async tasksIn(q: Queryable, incidentId: string): Promise<Task[]> {
    const { rows } = await q.query('SELECT data FROM tasks WHERE incident_id = $1 ORDER BY ord', [incidentId]);
    return (rows as Row[]).map((r) => JSON.parse(r.data as string) as Task);
  }

  async tasksOf(incidentId: string): Promise<Task[]> {
    return this.tasksIn(this.pool, incidentId);
  }

  async getTask(id: string): Promise<Task | undefined> {
    const row = await this.readOne('SELECT data FROM tasks WHERE id = $1', [id]);
    return row ? (JSON.parse(row.data as string) as Task) : undefined;
  }

  async tasksForUnit(unitId: string): Promise<Task[]> {
    return (await this.read('SELECT data FROM tasks WHERE unit_id = $1 ORDER BY ord DESC LIMIT 200', [unitId])).map(
      (r) => JSON.parse(r.data as string) as Task,
    );
  }

  async getUnit(id: string): Promise<Unit | undefined> {
    const row = await this.readOne('SELECT data FROM units WHERE id = $1', [id]);
    return row ? (JSON.parse(row.data as string) as Unit) : undefined;
  }

  async openTaskCounts(): Promise<Map<string, number>> {
    const rows = await this.read('SELECT unit_id, COUNT(*) AS n FROM tasks WHERE status = ANY($1::text[]) GROUP BY unit_id', [OPEN_TASK_STATUSES]);
    return new Map(rows.map((r) => [r.unit_id as string, r.n as number]));
  }

  async openIncidentsSince(since: string): Promise<Incident[]> {
    const rows = await this.read('SELECT data FROM incidents WHERE created_at >= $1 AND status = ANY($2::text[])', [since, OPEN_STATUSES]);
    return rows.map((r) => JSON.parse(r.data as string) as Incident);
  }

  async audit(entity: string, entityId: string): Promise<AuditEntry[]> {
    const rows = await this.read('SELECT * FROM audit WHERE entity = $1 AND entity_id = $2 ORDER BY id', [entity, entityId]);
    return rows.map(auditEntryOf);
  }

  async headSeq(): Promise<number> {
    return (await this.readOne('SELECT COALESCE(MAX(seq), 0) AS seq FROM changes', []))!.seq as number;
  }

  async changesAfter(afterSeq: number, toSeq: number): Promise<Change[]> {
    const rows = await this.read('SELECT seq, body FROM changes WHERE seq > $1 AND seq <= $2 ORDER BY seq', [afterSeq, toSeq]);
    return rows.map((r) => ({ ...(JSON.parse(r.body as string) as ChangeBody), seq: r.seq as number }) as Change);
  }

  async changeTime(seq: number): Promise<string | undefined> {
    return (await this.readOne('SELECT at FROM changes WHERE seq = $1', [seq]))?.at as string | undefined;
  }

  async sensorStatesSince(since: string): Promise<SensorState[]> {
    const rows = await this.read('SELECT * FROM sensor_latest WHERE at IS NOT NULL AND at >= $1 ORDER BY sensor_id', [since]);
    return rows.map(toSensorState).filter((s): s is SensorState => s !== undefined);
  }

  async snapshot(recentSince: string, maxIncidents: number) {
    // One repeatable-read transaction, so the state and its seq agree.
    const { value } = await this.write(
      async (t) => {
        const seq = (await t.row('SELECT COALESCE(MAX(seq), 0) AS seq FROM changes'))!.seq as number;
        const incidents = (
          await t.rows(
            'SELECT data FROM incidents WHERE status = ANY($1::text[]) OR updated_at >= $2 ORDER BY updated_at DESC LIMIT $3',
            [OPEN_STATUSES, recentSince, maxIncidents],
          )
        ).map((r) => JSON.parse(r.data as string) as Incident);
        const tasks = (await t.rows('SELECT data FROM tasks WHERE status = ANY($1::text[]) ORDER BY ord', [OPEN_TASK_STATUSES])).map(
          (r) => JSON.parse(r.data as string) as Task,
        );
        // Two branches, not one OR: an OR reads and parses every alarm ever raised; the recent cleared
        // ones come from their index.
        const alarms = (
          await t.rows(
            `SELECT data FROM (
               SELECT sensor_id, id, data FROM alarms WHERE status <> 'cleared'
               UNION ALL
               SELECT sensor_id, id, data FROM alarms WHERE (data::json ->> 'raisedAt') >= $1 AND status = 'cleared'
             ) recent ORDER BY sensor_id, id`,
            [recentSince],
          )
        ).map((r) => JSON.parse(r.data as string) as Alarm);
        const units = (await t.rows('SELECT data FROM units ORDER BY id')).map((r) => JSON.parse(r.data as string) as Unit);
        const sensors = await this.sensorViews(t.client);
        return { seq, incidents, tasks, units, sensors, alarms };
      },
      'REPEATABLE READ READ ONLY',
    );
    return value;
  }

  async metricsInputs(dayStart: string, onlineSince: string): Promise<MetricsInputs> {
    const one = async (sql: string, params: unknown[]) => (await this.readOne(sql, params))!.n as number;
    const minutes = async (sql: string) => (await this.read(sql, [dayStart])).map((r) => r.m as number);
    const [openIncidents, overdue, newToday, callsToday, activeAlarms, sensorsTotal, sensorsOnline, unitStatus, dispatchMinutes, arriveMinutes, perMinute] =
      await Promise.all([
        one('SELECT COUNT(*) AS n FROM incidents WHERE status = ANY($1::text[])', [OPEN_STATUSES]),
        one(
          `SELECT COUNT(*) AS n FROM incidents WHERE status = ANY($1::text[]) AND data::json #>> '{deadline,light}' = 'red'
             AND (data::json #>> '{deadline,paused}') IS DISTINCT FROM 'true'`,
          [OPEN_STATUSES],
        ),
        one('SELECT COUNT(*) AS n FROM incidents WHERE created_at >= $1', [dayStart]),
        one("SELECT COUNT(*) AS n FROM events WHERE source = 'hotline' AND received_at >= $1", [dayStart]),
        one("SELECT COUNT(DISTINCT sensor_id) AS n FROM alarms WHERE status <> 'cleared'", []),
        one('SELECT COUNT(*) AS n FROM sensors', []),
        one('SELECT COUNT(*) AS n FROM sensor_latest WHERE at IS NOT NULL AND at >= $1', [onlineSince]),
        this.read("SELECT data::json ->> 'status' AS status, COUNT(*) AS n FROM units GROUP BY 1", []),
        minutes(
          `SELECT EXTRACT(EPOCH FROM (dispatched_at::timestamptz - created_at::timestamptz))::float8 / 60 AS m
           FROM incidents WHERE created_at >= $1 AND dispatched_at IS NOT NULL`,
        ),
        minutes(
          `SELECT EXTRACT(EPOCH FROM (on_scene_at::timestamptz - dispatched_at::timestamptz))::float8 / 60 AS m
           FROM incidents WHERE created_at >= $1 AND on_scene_at IS NOT NULL AND dispatched_at IS NOT NULL`,
        ),
        this.read('SELECT substr(created_at, 1, 16) AS minute, COUNT(*) AS n FROM incidents WHERE created_at >= $1 GROUP BY 1', [dayStart]),
      ]);
    const units = (status: string) => (unitStatus.find((r) => r.status === status)?.n as number | undefined) ?? 0;
    return {
      openIncidents,
      overdue,
      newToday,
      callsToday,
      activeAlarms,
      sensorsTotal,
      sensorsOnline,
      unitsAvailable: units('available'),
      unitsBusy: units('busy'),
      dispatchMinutes,
      arriveMinutes,
      createdPerMinute: perMinute.map((r) => ({ minute: `${r.minute as string}:00.000Z`, count: r.n as number })),
    };
  }

  async yesterdayInputs(dayStart: string, sameTime: string, dayEnd: string): Promise<YesterdayInputs> {
    const range = [dayStart, sameTime];
    const minutes = async (sql: string) => (await this.read(sql, range)).map((r) => r.m as number);
    const [newToday, callsToday, dispatchMinutes, arriveMinutes, perMinute] = await Promise.all([
      this.readOne('SELECT COUNT(*) AS n FROM incidents WHERE created_at >= $1 AND created_at < $2', range),
      this.readOne("SELECT COUNT(*) AS n FROM events WHERE source = 'hotline' AND received_at >= $1 AND received_at < $2", range),
      // Stages reached by the same time of day: a dispatch after it had not happened yet.
      minutes(
        `SELECT EXTRACT(EPOCH FROM (dispatched_at::timestamptz - created_at::timestamptz))::float8 / 60 AS m
         FROM incidents WHERE created_at >= $1 AND dispatched_at IS NOT NULL AND dispatched_at < $2`,
      ),
      minutes(
        `SELECT EXTRACT(EPOCH FROM (on_scene_at::timestamptz - dispatched_at::timestamptz))::float8 / 60 AS m
         FROM incidents WHERE created_at >= $1 AND on_scene_at IS NOT NULL AND dispatched_at IS NOT NULL AND on_scene_at < $2`,
      ),
      this.read('SELECT substr(created_at, 1, 16) AS minute, COUNT(*) AS n FROM incidents WHERE created_at >= $1 AND created_at < $2 GROUP BY 1', [dayStart, dayEnd]),
    ]);
    return {
      newToday: newToday!.n as number,
      callsToday: callsToday!.n as number,
      dispatchMinutes,
      arriveMinutes,
      createdPerMinute: perMinute.map((r) => ({ minute: `${r.minute as string}:00.000Z`, count: r.n as number })),
    };
  }

  // ---- deadlines, escalation and evaluation ----

  /**
   * A lease row with its holder and expiry, taken or renewed in one statement: it is written only
   * when free, expired, or already ours, so across any number of processes one holder at a time
   * gets `true`. A holder that dies keeps it until it expires; a clean shutdown releases it.
   */
  async acquireLease(name: string, holder: string, ttlMs: number, now: string): Promise<boolean> {
    const expires = new Date(Date.parse(now) + ttlMs).toISOString();
    const rows = await this.read(
      `INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE leases.holder = excluded.holder OR leases.expires_at <= $4
       RETURNING holder`,
      [name, holder, expires, now],
    );
    return rows.length === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    await this.read('DELETE FROM leases WHERE name = $1 AND holder = $2', [name, holder]);
  }

  async dueDeadlines(now: string, limit: number): Promise<Incident[]> {
    const rows = await this.read(
      'SELECT data FROM incidents WHERE deadline_next_at IS NOT NULL AND deadline_next_at <= $1 ORDER BY deadline_next_at, id LIMIT $2',
      [now, limit],
    );
    return rows.map((r) => JSON.parse(r.data as string) as Incident).filter((i) => isOpen(i.status));
  }

  async openIncidents(afterId: string, limit: number): Promise<Incident[]> {
    const rows = await this.read('SELECT data FROM incidents WHERE id > $1 AND status = ANY($2::text[]) ORDER BY id LIMIT $3', [
      afterId,
      OPEN_STATUSES,
      limit,
    ]);
    return rows.map((r) => JSON.parse(r.data as string) as Incident);
  }

  async refreshDeadlines(ids: readonly string[], refresh: DeadlineRefresher, at: string): Promise<Change[]> {
    if (ids.length === 0) return [];
    const { changes } = await this.write(async (t) => {
      // Locked in id order, like commands, so a refresh and a command queue instead of deadlocking.
      const rows = await t.rows('SELECT data FROM incidents WHERE id = ANY($1) ORDER BY id FOR UPDATE', [[...new Set(ids)].sort(compare)]);
      const byId = new Map(rows.map((r) => JSON.parse(r.data as string) as Incident).map((i) => [i.id, i]));
      for (const id of ids) {
        const incident = byId.get(id);
        if (!incident) continue;
        const deadline = refresh(incident);
        if (deadline === undefined) continue;
        const after: Incident = { ...incident, deadline };
        byId.set(id, after);
        await t.run('UPDATE incidents SET data = $1, deadline_next_at = $2 WHERE id = $3 AND version = $4', [
          JSON.stringify(after),
          isOpen(after.status) ? (deadline?.nextAt ?? null) : null,
          id,
          incident.version,
        ]);
        t.append({ type: 'incident', incident: after }, at);
      }
    });
    return changes;
  }

  async listDeadlineProfiles(): Promise<DeadlineProfile[]> {
    return (await this.read('SELECT data FROM deadline_profiles ORDER BY category, severity')).map((r) => JSON.parse(r.data as string) as DeadlineProfile);
  }

  async saveDeadlineProfiles(profiles: readonly DeadlineProfile[], actorId: string | null, at: string): Promise<void> {
    await this.write(async (t) => {
      // Whole-table replace: two saves at once take turns rather than colliding on the key.
      await t.run('LOCK TABLE deadline_profiles IN EXCLUSIVE MODE');
      const before = (await t.rows('SELECT data FROM deadline_profiles ORDER BY category, severity')).map((r) => JSON.parse(r.data as string) as unknown);
      await t.run('DELETE FROM deadline_profiles');
      if (profiles.length > 0) {
        await t.run('INSERT INTO deadline_profiles (category, severity, data) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])', [
          profiles.map((p) => p.category),
          profiles.map((p) => p.severity),
          profiles.map((p) => JSON.stringify(p)),
        ]);
      }
      this.writeAudit(t, { at, actorId, action: 'deadline_profiles.save', entity: 'deadline_profiles', entityId: 'all', before, after: profiles });
    });
  }

  private async writeRequest(t: Tx, request: DeadlineRequest): Promise<void> {
    await t.run(
      `INSERT INTO deadline_requests (id, incident_id, district_id, status, requested_at, data) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      [request.id, request.incidentId, request.districtId, request.status, request.requestedAt, JSON.stringify(request)],
    );
  }

  async listDeadlineRequests(filter: DeadlineRequestFilter): Promise<DeadlineRequest[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.status) where.push(`status = ${p(filter.status)}`);
    if (filter.incidentId) where.push(`incident_id = ${p(filter.incidentId)}`);
    if (filter.districtId) where.push(`district_id = ${p(filter.districtId)}`);
    const rows = await this.read(
      `SELECT data FROM deadline_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY requested_at DESC, id DESC LIMIT ${p(filter.limit)}`,
      params,
    );
    return rows.map((r) => JSON.parse(r.data as string) as DeadlineRequest);
  }

  async getDeadlineRequest(id: string): Promise<DeadlineRequest | undefined> {
    const row = await this.readOne('SELECT data FROM deadline_requests WHERE id = $1', [id]);
    return row ? (JSON.parse(row.data as string) as DeadlineRequest) : undefined;
  }

  async evaluation(filter: EvaluationFilter, now: string): Promise<Evaluation> {
    return evaluate(await this.evaluationRecords(filter), now);
  }

  async overdueCount(filter: OverdueFilter, now: string): Promise<number> {
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [
      `status IN (${OVERDUE_STATUSES.map(p).join(',')})`,
      // ISO instants in one format compare as text.
      `(data::json #>> '{deadline,dueAt}') <= ${p(now)}`,
      "coalesce(data::json #>> '{deadline,paused}', 'false') <> 'true'",
    ];
    if (filter.districtId) where.push(`district_id = ${p(filter.districtId)}`);
    if (filter.category) where.push(`(category = ${p(filter.category)} OR category LIKE ${p(`${escapeLike(filter.category)}.%`)} ESCAPE '\\')`);
    if (filter.unitId) where.push(`(data::json ->> 'unitId') = ${p(filter.unitId)}`);
    const row = await this.readOne(`SELECT COUNT(*)::int AS n FROM incidents WHERE ${where.join(' AND ')}`, params);
    return row!.n as number;
  }

  async evaluationTable(filter: EvaluationFilter, by: GroupBy, now: string): Promise<EvaluationRow[]> {
    return evaluateBy(await this.evaluationRecords(filter), by, now);
  }

  async evaluationRecords(filter: EvaluationFilter): Promise<EvaluationRecord[]> {
    const params: unknown[] = [];
    const p = (value: unknown) => {
      params.push(value);
      return `$${params.length}`;
    };
    const where = [`i.created_at >= ${p(filter.from)}`, `i.created_at < ${p(filter.to)}`, "i.status <> 'merged'"];
    if (filter.districtId) where.push(`i.district_id = ${p(filter.districtId)}`);
    if (filter.category) where.push(`(i.category = ${p(filter.category)} OR i.category LIKE ${p(`${escapeLike(filter.category)}.%`)} ESCAPE '\\')`);
    const cohort = where.join(' AND ');
    // Three set queries (incidents, their tasks, the timeline entries that matter) in one snapshot.
    const { value } = await this.write(
      async (t) => {
        const incidents = (await t.rows(`SELECT i.data FROM incidents i WHERE ${cohort} ORDER BY i.created_at, i.id`, params)).map(
          (r) => JSON.parse(r.data as string) as Incident,
        );
        const tasksBy = new Map<string, Task[]>();
        for (const r of await t.rows(`SELECT t.incident_id, t.data FROM tasks t JOIN incidents i ON i.id = t.incident_id WHERE ${cohort} ORDER BY t.ord`, params)) {
          const list = tasksBy.get(r.incident_id as string) ?? [];
          list.push(JSON.parse(r.data as string) as Task);
          tasksBy.set(r.incident_id as string, list);
        }
        const entriesBy = new Map<string, Row[]>();
        const entryRows = await t.rows(
          `SELECT tl.incident_id, tl.data::json ->> 'action' AS action, tl.data::json ->> 'note' AS note, tl.data::json ->> 'to' AS "to"
           FROM timeline tl JOIN incidents i ON i.id = tl.incident_id
           WHERE ${cohort} AND tl.data::json ->> 'action' IN ('return', 'reopen', 'verify', 'resolve') ORDER BY tl.id`,
          params,
        );
        for (const r of entryRows) {
          const list = entriesBy.get(r.incident_id as string) ?? [];
          list.push(r);
          entriesBy.set(r.incident_id as string, list);
        }
        return { incidents, tasksBy, entriesBy };
      },
      'REPEATABLE READ READ ONLY',
    );
    const records = value.incidents.map((incident) => evaluationRecord(incident, value.tasksBy.get(incident.id) ?? [], value.entriesBy.get(incident.id) ?? []));
    return filter.unitId ? records.filter((r) => r.unitIds.includes(filter.unitId!)) : records;
  }

  /** Pool health for /metrics: connections in use and callers waiting for one. */
  poolStats(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }
}

/** A latest-state row; the placeholder a first reading locks (no reading yet) is no state at all. */
function toSensorState(row: Row): SensorState | undefined {
  if (row.at === null || row.at === undefined) return undefined;
  return {
    id: row.sensor_id as string,
    value: row.value as number | null,
    at: row.at as string,
    level: row.level as SensorState['level'],
    online: row.online === 1,
    pending: row.pending_level ? { level: row.pending_level as SensorState['level'], since: row.pending_since as string } : null,
  };
}

/** Byte order, as the database's "C" collation sorts (and as SQLite does). */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function dedupe<T extends { key: string }>(items: T[]): T[] {
  return [...new Map(items.map((i) => [i.key, i])).values()];
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  const [createdAt = '', id = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return [createdAt, id];
}
