// The embedded store: one SQLite file under DATA_DIR through better-sqlite3. WAL with
// synchronous=FULL so an acknowledged write survives a power cut; callers group many requests
// into one transaction (group commit) to keep that fast.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Change, ChangeBody, SensorView } from '../../shared/protocol/changes.ts';
import type { DeadlineProfile } from '../../shared/domain/deadlines.ts';
import type { Evaluation, EvaluationRecord, EvaluationRow, GroupBy } from '../../shared/domain/evaluation.ts';
import type { Alarm, Category, DeadlineRequest, Incident, Sensor, SensorState, Task, TimelineEntry, Unit } from '../../shared/domain/types.ts';
import { MIGRATIONS, migrationSql } from './migrations.ts';
import { auditEntryOf } from './rowMappers.ts';
import { evaluationOf, evaluationRecordsOf, evaluationTableOf, overdueCountOf, yesterdayInputsOf } from './sqliteAggregates.ts';
import { SqliteReader } from './sqliteReader.ts';
import { GENESIS_HASH, auditHash, verifyAuditRows, type AuditChainReport, type AuditRow } from './auditChain.ts';
import { isOpen } from '../../shared/domain/incidentMachine.ts';
import type {
  ApiKeyRecord,
  AuditEntry,
  DeadlineRefresher,
  DeadlineRequestFilter,
  EvaluationFilter,
  OverdueFilter,
  AuditInput,
  IncidentFilter,
  IncidentUpdater,
  IngestCommit,
  IngestItemOutcome,
  IngestWrite,
  LinkedEvent,
  MetricsInputs,
  YesterdayInputs,
  ReadingDecider,
  SessionRecord,
  Store,
  PhotoRecord,
  ReadingBucket,
  UnitPosition,
  UpdateResult,
  UserPatch,
  UserRecord,
} from './Store.ts';

type Row = Record<string, unknown>;

const OPEN_STATUSES = ['new', 'triaged', 'dispatched', 'accepted', 'on_scene', 'resolved'];

/** Which district a change concerns, for scoping replays without parsing every body. */
export function changeDistrict(body: ChangeBody): string | null {
  switch (body.type) {
    case 'incident':
      return body.incident.districtId;
    case 'task':
      return body.task.districtId;
    case 'alarm':
      return body.alarm.districtId;
    case 'unit':
      return body.unit.homeDistrictId;
    default:
      return null;
  }
}

export class SqliteStore implements Store {
  readonly kind = 'sqlite' as const;
  private readonly db: Database.Database;
  private readonly stmt: ReturnType<SqliteStore['prepare']>;
  /** Latest sensor states, mirrored in memory: readings arrive far more often than they are read. */
  private readonly latest = new Map<string, SensorState>();
  private readonly activeAlarms = new Map<string, Alarm>();
  private readonly sensorDistrict = new Map<string, string>();
  /** The heavy aggregates' own thread and connection (a file only: `:memory:` is this connection's alone). */
  private readonly reader: SqliteReader | null;

  constructor(file: string) {
    if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.pragma('busy_timeout = 5000');
    this.migrate();
    this.stmt = this.prepare();
    this.loadCaches();
    this.reader = file === ':memory:' ? null : new SqliteReader(file);
  }

  static open(dataDir: string): SqliteStore {
    return new SqliteStore(path.join(dataDir, 'city.db'));
  }

  private migrate(): void {
    this.db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    const done = new Set(this.db.prepare('SELECT id FROM schema_migrations').all().map((r) => (r as Row).id as number));
    for (const migration of MIGRATIONS) {
      if (done.has(migration.id)) continue;
      this.db.transaction(() => {
        this.db.exec(migrationSql(migration, 'sqlite'));
        this.db
          .prepare('INSERT INTO schema_migrations (id, name, applied_at) VALUES (?, ?, ?)')
          .run(migration.id, migration.name, new Date().toISOString());
      })();
    }
  }

  private prepare() {
    const db = this.db;
    return {
      claimKey: db.prepare('INSERT OR IGNORE INTO ingest_keys (source, source_event_id, incident_id) VALUES (?, ?, ?)'),
      keyIncident: db.prepare('SELECT incident_id FROM ingest_keys WHERE source = ? AND source_event_id = ?'),
      insertReading: db.prepare('INSERT INTO readings (sensor_id, metric, value, at) VALUES (?, ?, ?, ?)'),
      rollReading: db.prepare(
        `INSERT INTO readings_1m (sensor_id, minute, n, sum, min, max) VALUES (?, substr(?, 1, 16), 1, ?, ?, ?)
         ON CONFLICT(sensor_id, minute) DO UPDATE SET n = n + 1, sum = sum + excluded.sum, min = MIN(min, excluded.min), max = MAX(max, excluded.max)`,
      ),
      upsertLatest: db.prepare(
        `INSERT INTO sensor_latest (sensor_id, value, at, level, online, pending_level, pending_since)
         VALUES (@id, @value, @at, @level, @online, @pendingLevel, @pendingSince)
         ON CONFLICT(sensor_id) DO UPDATE SET value = excluded.value, at = excluded.at, level = excluded.level, online = excluded.online,
           pending_level = excluded.pending_level, pending_since = excluded.pending_since`,
      ),
      upsertAlarm: db.prepare(
        `INSERT INTO alarms (id, sensor_id, status, data) VALUES (@id, @sensorId, @status, @data)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      ),
      insertEvent: db.prepare(
        'INSERT INTO events (source, source_event_id, occurred_at, received_at, incident_id, payload) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      insertCaller: db.prepare('INSERT INTO callers (event_id, incident_id, name, phone) VALUES (?, ?, ?, ?)'),
      bumpCounter: db.prepare(
        'INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value',
      ),
      insertIncident: db.prepare(
        `INSERT INTO incidents (id, code, status, district_id, category, severity, created_at, updated_at, version, data, dispatched_at, on_scene_at, parent_id, deadline_next_at)
         VALUES (@id, @code, @status, @districtId, @category, @severity, @createdAt, @updatedAt, @version, @data, @dispatchedAt, @onSceneAt, @parentId, @deadlineNextAt)`,
      ),
      updateIncident: db.prepare(
        `UPDATE incidents SET status = @status, district_id = @districtId, category = @category, severity = @severity,
           updated_at = @updatedAt, version = @version, data = @data, dispatched_at = @dispatchedAt, on_scene_at = @onSceneAt,
           parent_id = @parentId, deadline_next_at = @deadlineNextAt
         WHERE id = @id AND version = @previousVersion`,
      ),
      getIncident: db.prepare('SELECT data FROM incidents WHERE id = ?'),
      insertTimeline: db.prepare('INSERT INTO timeline (incident_id, data) VALUES (?, ?)'),
      upsertTask: db.prepare(
        `INSERT INTO tasks (id, incident_id, unit_id, status, data) VALUES (@id, @incidentId, @unitId, @status, @data)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      ),
      tasksOf: db.prepare('SELECT data FROM tasks WHERE incident_id = ? ORDER BY rowid'),
      upsertUnit: db.prepare('INSERT INTO units (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data'),
      getUnit: db.prepare('SELECT data FROM units WHERE id = ?'),
      insertAudit: db.prepare(
        `INSERT INTO audit (id, at, actor_id, action, entity, entity_id, before, after, reason, outcome, prev_hash, hash)
         VALUES (@id, @at, @actorId, @action, @entity, @entityId, @before, @after, @reason, @outcome, @prevHash, @hash)`,
      ),
      lastAudit: db.prepare('SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1'),
      appendChange: db.prepare('INSERT INTO changes (at, type, district_id, body) VALUES (?, ?, ?, ?) RETURNING seq'),
      head: db.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'changes'"),
      changesAfter: db.prepare('SELECT seq, body FROM changes WHERE seq > ? AND seq <= ? ORDER BY seq'),
      changeTime: db.prepare('SELECT at FROM changes WHERE seq = ?'),
    };
  }

  private loadCaches(): void {
    for (const row of this.db.prepare('SELECT * FROM sensor_latest').all() as Row[]) {
      this.latest.set(row.sensor_id as string, {
        id: row.sensor_id as string,
        value: row.value as number | null,
        at: row.at as string | null,
        level: row.level as SensorState['level'],
        online: row.online === 1,
        pending: row.pending_level ? { level: row.pending_level as SensorState['level'], since: row.pending_since as string } : null,
      });
    }
    for (const row of this.db.prepare("SELECT data FROM alarms WHERE status != 'cleared'").all() as Row[]) {
      const alarm = JSON.parse(row.data as string) as Alarm;
      this.activeAlarms.set(alarm.sensorId, alarm);
    }
    for (const row of this.db.prepare('SELECT data FROM sensors').all() as Row[]) {
      const sensor = JSON.parse(row.data as string) as Sensor;
      this.sensorDistrict.set(sensor.id, sensor.districtId);
    }
  }

  async close(): Promise<void> {
    await this.reader?.close();
    if (this.db.open) this.db.close();
  }

  async isReady(): Promise<boolean> {
    return this.db.open && this.db.prepare('SELECT 1 AS ok').get() !== undefined;
  }

  /** Run PRAGMA integrity_check; "ok" when the file is sound. */
  integrityCheck(): string {
    return String(this.db.pragma('integrity_check', { simple: true }));
  }

  // ---- people and keys ----

  async countUsers(): Promise<number> {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM users').get() as Row).n as number;
  }

  async createUser(user: UserRecord, at: string): Promise<void> {
    this.db
      .prepare(
        `INSERT INTO users (id, username, password_hash, role, display_name, district_id, unit_id, disabled, kiosk, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(user.id, user.username, user.passwordHash, user.role, user.displayName, user.districtId, user.unitId, user.disabled ? 1 : 0, user.kiosk ? 1 : 0, at);
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
    return this.toUser(this.db.prepare('SELECT * FROM users WHERE username = ?').get(username) as Row | undefined);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    return this.toUser(this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined);
  }

  async createSession(session: SessionRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO sessions (id, token_hash, user_id, created_at, expires_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(session.id, session.tokenHash, session.userId, session.createdAt, session.expiresAt, session.lastSeenAt);
  }

  private toSession(row: Row): SessionRecord {
    return {
      id: (row.id as string | null) ?? (row.token_hash as string).slice(0, 16),
      tokenHash: row.token_hash as string,
      userId: row.user_id as string,
      createdAt: row.created_at as string,
      expiresAt: row.expires_at as string,
      lastSeenAt: (row.last_seen_at as string | null) ?? null,
    };
  }

  async getSession(tokenHash: string): Promise<SessionRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as Row | undefined;
    return row ? this.toSession(row) : undefined;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    this.db.prepare('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  // ---- security ----

  async listUsers(): Promise<UserRecord[]> {
    return (this.db.prepare('SELECT * FROM users ORDER BY username').all() as Row[]).map((row) => this.toUser(row)!);
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
    const values: unknown[] = [];
    for (const [key, column] of Object.entries(columns) as [keyof UserPatch, string][]) {
      if (!(key in patch)) continue;
      const value = patch[key];
      sets.push(`${column} = ?`);
      values.push(typeof value === 'boolean' ? (value ? 1 : 0) : (value ?? null));
    }
    return this.db.transaction(() => {
      if (sets.length > 0) {
        const result = this.db.prepare(`UPDATE users SET ${sets.join(', ')} WHERE id = ?`).run(...values, id);
        if (result.changes === 0) return undefined;
      }
      const user = this.toUser(this.db.prepare('SELECT * FROM users WHERE id = ?').get(id) as Row | undefined);
      if (user && audit) this.writeAudit(audit);
      return user;
    }).immediate();
  }

  async listSessions(): Promise<SessionRecord[]> {
    return (this.db.prepare('SELECT * FROM sessions ORDER BY created_at, token_hash').all() as Row[]).map((row) => this.toSession(row));
  }

  async touchSession(tokenHash: string, at: string): Promise<void> {
    this.db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?').run(at, tokenHash);
  }

  async deleteSessions(match: { tokenHash?: string; id?: string; userId?: string }): Promise<SessionRecord[]> {
    const where: string[] = [];
    const values: string[] = [];
    if (match.tokenHash !== undefined) {
      where.push('token_hash = ?');
      values.push(match.tokenHash);
    }
    if (match.id !== undefined) {
      where.push('(id = ? OR (id IS NULL AND substr(token_hash, 1, 16) = ?))');
      values.push(match.id, match.id);
    }
    if (match.userId !== undefined) {
      where.push('user_id = ?');
      values.push(match.userId);
    }
    if (where.length === 0) return [];
    const rows = this.db.prepare(`DELETE FROM sessions WHERE ${where.join(' AND ')} RETURNING *`).all(...values) as Row[];
    // Same order as listSessions (RETURNING has none of its own).
    return rows
      .map((row) => this.toSession(row))
      .sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.tokenHash < b.tokenHash ? -1 : a.tokenHash > b.tokenHash ? 1 : 0));
  }

  async listApiKeys(): Promise<ApiKeyRecord[]> {
    return (this.db.prepare('SELECT * FROM api_keys ORDER BY created_at, id').all() as Row[]).map((row) => ({
      id: row.id as string,
      name: row.name as string,
      scope: 'ingest' as const,
      revoked: row.revoked_at !== null,
      createdAt: row.created_at as string,
    }));
  }

  async revokeApiKey(id: string, at: string): Promise<boolean> {
    return this.db.prepare('UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(at, id).changes === 1;
  }

  async appendAudit(entry: AuditInput): Promise<void> {
    this.db.transaction(() => this.writeAudit(entry)).immediate();
  }

  async verifyAuditChain(): Promise<AuditChainReport> {
    const rows = this.db.prepare('SELECT * FROM audit ORDER BY id').iterate() as IterableIterator<Row>;
    function* asAuditRows(): Generator<AuditRow> {
      for (const row of rows) {
        yield {
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
        };
      }
    }
    return verifyAuditRows(asAuditRows());
  }

  async scrubCallers(before: string): Promise<number> {
    return this.db.prepare('DELETE FROM callers WHERE event_id IN (SELECT id FROM events WHERE received_at < ?)').run(before).changes;
  }

  async createApiKey(id: string, name: string, keyHash: string, at: string): Promise<void> {
    this.db
      .prepare("INSERT INTO api_keys (id, key_hash, name, scope, created_at) VALUES (?, ?, ?, 'ingest', ?)")
      .run(id, keyHash, name, at);
  }

  async findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM api_keys WHERE key_hash = ?').get(keyHash) as Row | undefined;
    if (!row) return undefined;
    return { id: row.id as string, name: row.name as string, scope: 'ingest', revoked: row.revoked_at !== null };
  }

  async findIdempotent(userId: string, key: string): Promise<{ status: number; body: unknown } | undefined> {
    const row = this.db.prepare('SELECT status, body FROM idempotency_keys WHERE user_id = ? AND key = ?').get(userId, key) as Row | undefined;
    return row ? { status: row.status as number, body: JSON.parse(row.body as string) as unknown } : undefined;
  }

  async saveIdempotent(userId: string, key: string, status: number, body: unknown, at: string): Promise<void> {
    this.db
      .prepare('INSERT OR IGNORE INTO idempotency_keys (user_id, key, status, body, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(userId, key, status, JSON.stringify(body), at);
  }

  async createPhoto(photo: PhotoRecord): Promise<void> {
    this.db
      .prepare('INSERT INTO photos (id, user_id, incident_id, content_type, bytes, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(photo.id, photo.userId, photo.incidentId, photo.contentType, photo.bytes, photo.createdAt);
  }

  async getPhoto(id: string): Promise<PhotoRecord | undefined> {
    const row = this.db.prepare('SELECT * FROM photos WHERE id = ?').get(id) as Row | undefined;
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

  async upsertCategories(categories: Category[]): Promise<void> {
    const stmt = this.db.prepare('INSERT INTO categories (code, data) VALUES (?, ?) ON CONFLICT(code) DO UPDATE SET data = excluded.data');
    this.db.transaction(() => {
      for (const c of categories) stmt.run(c.code, JSON.stringify(c));
    })();
  }

  async listCategories(): Promise<Category[]> {
    return (this.db.prepare('SELECT data FROM categories ORDER BY code').all() as Row[]).map((r) => JSON.parse(r.data as string) as Category);
  }

  async upsertUnits(units: Unit[]): Promise<void> {
    this.db.transaction(() => {
      for (const u of units) this.stmt.upsertUnit.run(u.id, JSON.stringify(u));
    })();
  }

  async listUnits(): Promise<Unit[]> {
    return this.allUnits();
  }

  private allUnits(): Unit[] {
    return (this.db.prepare('SELECT data FROM units ORDER BY id').all() as Row[]).map((r) => JSON.parse(r.data as string) as Unit);
  }

  async upsertSensors(sensors: Sensor[]): Promise<void> {
    const stmt = this.db.prepare('INSERT INTO sensors (id, data) VALUES (?, ?) ON CONFLICT(id) DO UPDATE SET data = excluded.data');
    this.db.transaction(() => {
      for (const s of sensors) {
        stmt.run(s.id, JSON.stringify(s));
        this.sensorDistrict.set(s.id, s.districtId);
      }
    })();
  }

  async listSensors(): Promise<SensorView[]> {
    return this.allSensors();
  }

  private allSensors(): SensorView[] {
    const rows = this.db.prepare('SELECT data FROM sensors ORDER BY id').all() as Row[];
    return rows.map((r) => {
      const sensor = JSON.parse(r.data as string) as Sensor;
      const state = this.latest.get(sensor.id);
      return { ...sensor, value: state?.value ?? null, at: state?.at ?? null, online: state?.online ?? false, level: state?.level ?? 'normal' };
    });
  }

  hasSensor(id: string): boolean {
    return this.sensorDistrict.has(id);
  }

  // ---- writes ----

  private append(body: ChangeBody, at: string): Change {
    const row = this.stmt.appendChange.get(at, body.type, changeDistrict(body), JSON.stringify(body)) as Row;
    return { ...body, seq: row.seq as number } as Change;
  }

  private writeLatest(state: SensorState): void {
    this.stmt.upsertLatest.run({
      id: state.id,
      value: state.value,
      at: state.at,
      level: state.level,
      online: state.online ? 1 : 0,
      pendingLevel: state.pending?.level ?? null,
      pendingSince: state.pending?.since ?? null,
    });
  }

  /** Must run inside a write transaction: it reads the chain's head and appends after it. */
  private writeAudit(entry: AuditInput): void {
    const last = this.stmt.lastAudit.get() as Row | undefined;
    const row = {
      id: ((last?.id as number | undefined) ?? 0) + 1,
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
    const prevHash = (last?.hash as string | null | undefined) ?? GENESIS_HASH;
    this.stmt.insertAudit.run({ ...row, prevHash, hash: auditHash(prevHash, row) });
  }

  private incidentParams(incident: Incident) {
    return {
      id: incident.id,
      code: incident.code,
      status: incident.status,
      districtId: incident.districtId,
      category: incident.category,
      severity: incident.severity,
      createdAt: incident.createdAt,
      updatedAt: incident.updatedAt,
      version: incident.version,
      data: JSON.stringify(incident),
      dispatchedAt: incident.stageAt.dispatched ?? null,
      onSceneAt: incident.stageAt.on_scene ?? null,
      parentId: incident.parentId,
      deadlineNextAt: isOpen(incident.status) ? (incident.deadline?.nextAt ?? null) : null,
    };
  }

  async bulkLoad<T>(load: () => Promise<T>): Promise<T> {
    // The store's own transactions become savepoints inside this one (better-sqlite3 nests them).
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const result = await load();
      this.db.exec('COMMIT');
      return result;
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async ingest(writes: IngestWrite[], decideReading: ReadingDecider, receivedAt = new Date().toISOString()): Promise<IngestCommit> {
    const run = this.db.transaction(() => {
      const outcomes: IngestItemOutcome[] = [];
      const changes: Change[] = [];
      const touched = new Map<string, SensorState>();
      // Cache updates are staged and applied only once the transaction has committed.
      const alarmsAfter = new Map<string, Alarm | undefined>();
      for (const write of writes) {
        if (write.kind === 'reading') {
          const claimed = this.stmt.claimKey.run('sensor', write.sourceEventId, null).changes === 1;
          if (!claimed) {
            outcomes.push({ status: 'duplicate' });
            continue;
          }
          this.stmt.insertReading.run(write.sensorId, write.metric, write.value, write.at);
          this.stmt.rollReading.run(write.sensorId, write.at, write.value, write.value, write.value);
          const previous = touched.get(write.sensorId) ?? this.latest.get(write.sensorId);
          const active = alarmsAfter.has(write.sensorId) ? alarmsAfter.get(write.sensorId) : this.activeAlarms.get(write.sensorId);
          const decided = decideReading(write.sensorId, write.value, write.at, previous, active);
          const { state } = decided;
          let alarm = decided.alarm;
          touched.set(write.sensorId, state);
          let openedId: string | undefined;
          if (alarm && decided.openIncident) {
            // 未诉先办: the alarm opens its own case before anyone calls; that case is the reading's result.
            const opened = this.insertNewIncident(decided.openIncident, 'sensor', receivedAt);
            changes.push(opened.change);
            openedId = opened.incident.id;
            alarm = { ...alarm, incidentId: openedId };
          }
          if (alarm?.status === 'cleared' && alarm.incidentId) {
            const change = this.noteAlarmCleared(alarm.incidentId, receivedAt);
            if (change) changes.push(change);
          }
          if (alarm) {
            this.stmt.upsertAlarm.run({ id: alarm.id, sensorId: alarm.sensorId, status: alarm.status, data: JSON.stringify(alarm) });
            alarmsAfter.set(write.sensorId, alarm.status === 'cleared' ? undefined : alarm);
            changes.push(this.append({ type: 'alarm', alarm }, receivedAt));
          }
          outcomes.push({ status: 'accepted', ...(openedId ? { incidentId: openedId } : {}) });
          continue;
        }
        const parentRow = write.linkTo ? (this.stmt.getIncident.get(write.linkTo) as Row | undefined) : undefined;
        const parent = parentRow ? (JSON.parse(parentRow.data as string) as Incident) : undefined;
        const linkable = parent !== undefined && isOpen(parent.status) && parent.parentId === null;
        const claimed = this.stmt.claimKey.run(write.source, write.sourceEventId, linkable ? parent.id : write.incident.id).changes === 1;
        if (!claimed) {
          const row = this.stmt.keyIncident.get(write.source, write.sourceEventId) as Row | undefined;
          outcomes.push({ status: 'duplicate', incidentId: (row?.incident_id as string | null) ?? undefined });
          continue;
        }
        if (linkable) {
          // A repeated report (重复来电): the open incident counts it; no new case is opened.
          const linked: Incident = { ...parent, repeatCount: parent.repeatCount + 1, version: parent.version + 1, updatedAt: receivedAt };
          const result = this.stmt.updateIncident.run({ ...this.incidentParams(linked), previousVersion: parent.version });
          if (result.changes !== 1) throw new Error(`incident ${parent.id} changed under a transaction`);
          const eventId = this.stmt.insertEvent.run(write.source, write.sourceEventId, write.occurredAt, receivedAt, parent.id, JSON.stringify(write.payload)).lastInsertRowid;
          if (write.caller) this.stmt.insertCaller.run(eventId, parent.id, write.caller.name, write.caller.phone);
          const entry: TimelineEntry = { at: receivedAt, action: 'repeat', actorId: null, from: parent.status, to: parent.status, note: write.source };
          this.stmt.insertTimeline.run(parent.id, JSON.stringify(entry));
          this.writeAudit({ at: receivedAt, actorId: `source:${write.source}`, action: 'repeat', entity: 'incident', entityId: parent.id, after: { repeatCount: linked.repeatCount } });
          changes.push(this.append({ type: 'incident', incident: linked }, receivedAt));
          outcomes.push({ status: 'accepted', incidentId: parent.id, linked: true });
          continue;
        }
        const { incident, change } = this.insertNewIncident(write.incident, write.source, receivedAt);
        const eventId = this.stmt.insertEvent.run(
          write.source,
          write.sourceEventId,
          write.occurredAt,
          receivedAt,
          incident.id,
          JSON.stringify(write.payload),
        ).lastInsertRowid;
        if (write.caller) this.stmt.insertCaller.run(eventId, incident.id, write.caller.name, write.caller.phone);
        changes.push(change);
        outcomes.push({ status: 'accepted', incidentId: incident.id });
      }
      for (const state of touched.values()) this.writeLatest(state);
      return { outcomes, changes, touched, alarmsAfter };
    });
    const { outcomes, changes, touched, alarmsAfter } = run.immediate();
    for (const [id, state] of touched) this.latest.set(id, state);
    for (const [sensorId, alarm] of alarmsAfter) {
      if (alarm) this.activeAlarms.set(sensorId, alarm);
      else this.activeAlarms.delete(sensorId);
    }
    return { outcomes, changes, sensorStates: [...touched.values()] };
  }

  /** Open a new incident: its day's code, a timeline start, an audit entry and a change. */
  private insertNewIncident(draft: Incident, source: string, at: string): { incident: Incident; change: Change } {
    const n = (this.stmt.bumpCounter.get(draft.code) as Row).value as number;
    const incident: Incident = { ...draft, code: `${draft.code}-${String(n).padStart(4, '0')}` };
    this.stmt.insertIncident.run(this.incidentParams(incident));
    const entry: TimelineEntry = { at: incident.createdAt, action: 'create', actorId: null, from: null, to: incident.status, note: source };
    this.stmt.insertTimeline.run(incident.id, JSON.stringify(entry));
    this.writeAudit({
      at,
      actorId: `source:${source}`,
      action: 'create',
      entity: 'incident',
      entityId: incident.id,
      after: { status: incident.status, category: incident.category, severity: incident.severity },
    });
    return { incident, change: this.append({ type: 'incident', incident }, at) };
  }

  /** The alarm behind an open incident cleared: say so on the case, for someone to verify; never close it. */
  private noteAlarmCleared(incidentId: string, at: string): Change | null {
    const row = this.stmt.getIncident.get(incidentId) as Row | undefined;
    if (!row) return null;
    const before = JSON.parse(row.data as string) as Incident;
    if (!isOpen(before.status)) return null;
    const after: Incident = { ...before, version: before.version + 1, updatedAt: at };
    this.stmt.updateIncident.run({ ...this.incidentParams(after), previousVersion: before.version });
    const entry: TimelineEntry = { at, action: 'alarm_cleared', actorId: null, from: before.status, to: before.status, note: 'verify on site' };
    this.stmt.insertTimeline.run(incidentId, JSON.stringify(entry));
    this.writeAudit({ at, actorId: 'source:sensor', action: 'alarm_cleared', entity: 'incident', entityId: incidentId });
    return this.append({ type: 'incident', incident: after }, at);
  }

  async acknowledgeAlarm(alarmId: string, actorId: string, at: string): Promise<{ alarm: Alarm; changes: Change[]; refused?: string } | undefined> {
    const run = this.db.transaction(() => {
      const row = this.db.prepare('SELECT data FROM alarms WHERE id = ?').get(alarmId) as Row | undefined;
      if (!row) return undefined;
      const alarm = JSON.parse(row.data as string) as Alarm;
      if (alarm.status !== 'raised') return { alarm, changes: [], refused: `the alarm is ${alarm.status}` };
      const acknowledged: Alarm = { ...alarm, status: 'acknowledged', acknowledgedBy: actorId, acknowledgedAt: at };
      this.stmt.upsertAlarm.run({ id: alarm.id, sensorId: alarm.sensorId, status: acknowledged.status, data: JSON.stringify(acknowledged) });
      this.writeAudit({ at, actorId, action: 'acknowledge', entity: 'alarm', entityId: alarm.id, before: { status: alarm.status }, after: { status: acknowledged.status } });
      return { alarm: acknowledged, changes: [this.append({ type: 'alarm', alarm: acknowledged }, at)] };
    });
    const result = run.immediate();
    if (result && !result.refused) this.activeAlarms.set(result.alarm.sensorId, result.alarm);
    return result;
  }

  async markOffline(sensorIds: readonly string[]): Promise<SensorState[]> {
    return this.db.transaction(() => {
      const changed: SensorState[] = [];
      for (const id of sensorIds) {
        const state = this.latest.get(id);
        if (!state?.online) continue;
        const offline = { ...state, online: false };
        this.writeLatest(offline);
        changed.push(offline);
      }
      for (const s of changed) this.latest.set(s.id, s);
      return changed;
    })();
  }

  async readingSeries(sensorId: string, from: string, to: string, bucket: 'minute' | 'hour'): Promise<ReadingBucket[]> {
    const key = bucket === 'minute' ? 'minute' : 'substr(minute, 1, 13)';
    const suffix = bucket === 'minute' ? ':00.000Z' : ':00:00.000Z';
    const rows = this.db
      .prepare(
        `SELECT ${key} AS bucket, SUM(n) AS n, SUM(sum) AS total, MIN(min) AS lo, MAX(max) AS hi FROM readings_1m
         WHERE sensor_id = ? AND minute >= substr(?, 1, 16) AND minute < substr(?, 1, 16) GROUP BY bucket ORDER BY bucket`,
      )
      .all(sensorId, from, to) as Row[];
    return rows.map((r) => ({
      at: `${r.bucket as string}${suffix}`,
      n: r.n as number,
      avg: Math.round(((r.total as number) / (r.n as number)) * 1000) / 1000,
      min: r.lo as number,
      max: r.hi as number,
    }));
  }

  async silentSince(before: string): Promise<SensorState[]> {
    return [...this.latest.values()].filter((s) => s.online && s.at !== null && s.at < before);
  }

  async updateIncident(id: string, updater: IncidentUpdater, at: string, relatedIds: string[] = []): Promise<UpdateResult | undefined> {
    const read = (incidentId: string) => {
      const row = this.stmt.getIncident.get(incidentId) as Row | undefined;
      return row ? (JSON.parse(row.data as string) as Incident) : undefined;
    };
    const run = this.db.transaction((): UpdateResult | undefined => {
      const before = read(id);
      if (!before) return undefined;
      const related = relatedIds.map(read).filter((i): i is Incident => i !== undefined);
      const tasks = (this.stmt.tasksOf.all(id) as Row[]).map((r) => JSON.parse(r.data as string) as Task);
      const update = updater(before, tasks, related);
      const { decision } = update;
      if (!decision.ok) return { decision, changes: [] };
      const changes: Change[] = [];
      const writeIncident = (previous: Incident, after: Incident, entry: TimelineEntry, reason?: string) => {
        const result = this.stmt.updateIncident.run({ ...this.incidentParams(after), previousVersion: previous.version });
        if (result.changes !== 1) throw new Error(`incident ${after.id} changed under a transaction`);
        this.stmt.insertTimeline.run(after.id, JSON.stringify(entry));
        this.writeAudit({
          at,
          actorId: entry.actorId,
          action: entry.action,
          entity: 'incident',
          entityId: after.id,
          before: { status: previous.status, version: previous.version, unitId: previous.unitId },
          after: { status: after.status, version: after.version, unitId: after.unitId },
          reason: reason ?? entry.note,
        });
        changes.push(this.append({ type: 'incident', incident: after }, at));
      };
      writeIncident(before, decision.incident, decision.entry, update.audit?.reason);
      if (update.attachPhotoId) {
        // Only a photo not yet attached to any case can become this one's evidence.
        const attached = this.db.prepare('UPDATE photos SET incident_id = ? WHERE id = ? AND incident_id IS NULL').run(id, update.attachPhotoId);
        if (attached.changes !== 1) throw new Error(`photo ${update.attachPhotoId} is not available`);
      }
      for (const { incident, entry } of update.related ?? []) {
        const previous = related.find((r) => r.id === incident.id);
        if (!previous) throw new Error(`related incident ${incident.id} was not read in the transaction`);
        writeIncident(previous, incident, entry);
      }
      for (const task of update.tasks ?? []) {
        this.stmt.upsertTask.run({ id: task.id, incidentId: task.incidentId, unitId: task.unitId, status: task.status, data: JSON.stringify(task) });
        changes.push(this.append({ type: 'task', task }, at));
      }
      for (const unit of update.units ?? []) {
        this.stmt.upsertUnit.run(unit.id, JSON.stringify(unit));
        changes.push(this.append({ type: 'unit', unit }, at));
      }
      for (const request of update.requests ?? []) this.writeRequest(request);
      return { decision, changes };
    });
    return run.immediate();
  }

  async setUnitPositions(updates: readonly UnitPosition[]): Promise<Unit[]> {
    return this.db.transaction(() => {
      const out: Unit[] = [];
      for (const { unitId, position, at } of updates) {
        const row = this.stmt.getUnit.get(unitId) as Row | undefined;
        if (!row) continue;
        const unit: Unit = { ...(JSON.parse(row.data as string) as Unit), position, positionAt: at };
        this.stmt.upsertUnit.run(unit.id, JSON.stringify(unit));
        out.push(unit);
      }
      return out;
    })();
  }

  async appendChanges(bodies: ChangeBody[], at: string): Promise<Change[]> {
    return this.db.transaction(() => bodies.map((b) => this.append(b, at)))();
  }

  // ---- reads ----

  async getIncident(id: string): Promise<Incident | undefined> {
    const row = this.stmt.getIncident.get(id) as Row | undefined;
    return row ? (JSON.parse(row.data as string) as Incident) : undefined;
  }

  async listIncidents(filter: IncidentFilter): Promise<{ items: Incident[]; nextCursor: string | null }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.statuses?.length) {
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      params.push(...filter.statuses);
    }
    if (filter.districtId) {
      where.push('district_id = ?');
      params.push(filter.districtId);
    }
    if (filter.category) {
      // A category filter matches the code and everything below it in the tree.
      where.push("(category = ? OR category LIKE ? ESCAPE '\\')");
      params.push(filter.category, `${filter.category.replace(/[\\%_]/g, '\\$&')}.%`);
    }
    if (filter.severity) {
      where.push('severity = ?');
      params.push(filter.severity);
    }
    if (filter.q) {
      where.push("(code LIKE ? ESCAPE '\\' OR data LIKE ? ESCAPE '\\')");
      const like = `%${filter.q.replace(/[\\%_]/g, '\\$&')}%`;
      params.push(like, like);
    }
    if (filter.cursor) {
      const [createdAt, id] = decodeCursor(filter.cursor);
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(createdAt, createdAt, id);
    }
    const sql = `SELECT data FROM incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY created_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...params, filter.limit + 1) as Row[];
    const items = rows.slice(0, filter.limit).map((r) => JSON.parse(r.data as string) as Incident);
    const last = items[items.length - 1];
    const nextCursor = rows.length > filter.limit && last ? encodeCursor(last.createdAt, last.id) : null;
    return { items, nextCursor };
  }

  async timeline(incidentId: string): Promise<TimelineEntry[]> {
    return (this.db.prepare('SELECT data FROM timeline WHERE incident_id = ? ORDER BY id').all(incidentId) as Row[]).map(
      (r) => JSON.parse(r.data as string) as TimelineEntry,
    );
  }

  async linkedEvents(incidentId: string): Promise<LinkedEvent[]> {
    const rows = this.db
      .prepare(
        `SELECT id, source, source_event_id, occurred_at, received_at, payload FROM events
         WHERE incident_id = ? OR incident_id IN (SELECT id FROM incidents WHERE parent_id = ?) ORDER BY id`,
      )
      .all(incidentId, incidentId) as Row[];
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
    const rows = this.db
      .prepare(
        `SELECT name, phone, event_id FROM callers
         WHERE incident_id = ? OR incident_id IN (SELECT id FROM incidents WHERE parent_id = ?) ORDER BY event_id`,
      )
      .all(incidentId, incidentId) as Row[];
    return rows.map((r) => ({ name: r.name as string, phone: r.phone as string, eventId: r.event_id as number }));
  }

  async tasksOf(incidentId: string): Promise<Task[]> {
    return (this.stmt.tasksOf.all(incidentId) as Row[]).map((r) => JSON.parse(r.data as string) as Task);
  }

  async getTask(id: string): Promise<Task | undefined> {
    const row = this.db.prepare('SELECT data FROM tasks WHERE id = ?').get(id) as Row | undefined;
    return row ? (JSON.parse(row.data as string) as Task) : undefined;
  }

  async tasksForUnit(unitId: string): Promise<Task[]> {
    return (this.db.prepare('SELECT data FROM tasks WHERE unit_id = ? ORDER BY rowid DESC LIMIT 200').all(unitId) as Row[]).map(
      (r) => JSON.parse(r.data as string) as Task,
    );
  }

  async getUnit(id: string): Promise<Unit | undefined> {
    const row = this.stmt.getUnit.get(id) as Row | undefined;
    return row ? (JSON.parse(row.data as string) as Unit) : undefined;
  }

  async openTaskCounts(): Promise<Map<string, number>> {
    const rows = this.db
      .prepare("SELECT unit_id, COUNT(*) AS n FROM tasks WHERE status IN ('assigned', 'accepted', 'on_scene') GROUP BY unit_id")
      .all() as Row[];
    return new Map(rows.map((r) => [r.unit_id as string, r.n as number]));
  }

  async openIncidentsSince(since: string): Promise<Incident[]> {
    const rows = this.db
      .prepare(`SELECT data FROM incidents WHERE created_at >= ? AND status IN (${OPEN_STATUSES.map(() => '?').join(',')})`)
      .all(since, ...OPEN_STATUSES) as Row[];
    return rows.map((r) => JSON.parse(r.data as string) as Incident);
  }

  async audit(entity: string, entityId: string): Promise<AuditEntry[]> {
    const rows = this.db.prepare('SELECT * FROM audit WHERE entity = ? AND entity_id = ? ORDER BY id').all(entity, entityId) as Row[];
    return rows.map(auditEntryOf);
  }

  async headSeq(): Promise<number> {
    return this.head();
  }

  private head(): number {
    const row = this.stmt.head.get() as Row | undefined;
    return (row?.seq as number | undefined) ?? 0;
  }

  async changesAfter(afterSeq: number, toSeq: number): Promise<Change[]> {
    return (this.stmt.changesAfter.all(afterSeq, toSeq) as Row[]).map(
      (r) => ({ ...(JSON.parse(r.body as string) as ChangeBody), seq: r.seq as number }) as Change,
    );
  }

  async changeTime(seq: number): Promise<string | undefined> {
    const row = this.stmt.changeTime.get(seq) as Row | undefined;
    return row?.at as string | undefined;
  }

  async sensorStatesSince(since: string): Promise<SensorState[]> {
    return [...this.latest.values()].filter((s) => s.at !== null && s.at >= since);
  }

  async snapshot(recentSince: string, maxIncidents: number) {
    // One read transaction, so the state and its seq agree.
    return this.db.transaction(() => {
      const seq = this.head();
      const incidents = (
        this.db
          .prepare(
            `SELECT data FROM incidents WHERE status IN (${OPEN_STATUSES.map(() => '?').join(',')}) OR updated_at >= ?
             ORDER BY updated_at DESC LIMIT ?`,
          )
          .all(...OPEN_STATUSES, recentSince, maxIncidents) as Row[]
      ).map((r) => JSON.parse(r.data as string) as Incident);
      const tasks = (
        this.db.prepare("SELECT data FROM tasks WHERE status IN ('assigned', 'accepted', 'on_scene')").all() as Row[]
      ).map((r) => JSON.parse(r.data as string) as Task);
      const cleared = (this.db.prepare("SELECT data FROM alarms WHERE json_extract(data, '$.raisedAt') >= ? AND status = 'cleared'").all(recentSince) as Row[]).map(
        (r) => JSON.parse(r.data as string) as Alarm,
      );
      const alarms = [...this.activeAlarms.values(), ...cleared];
      return { seq, incidents, tasks, units: this.allUnits(), sensors: this.allSensors(), alarms };
    })();
  }

  async metricsInputs(dayStart: string, onlineSince: string): Promise<MetricsInputs> {
    const count = (sql: string, ...params: unknown[]) => (this.db.prepare(sql).get(...params) as Row).n as number;
    const minutes = (sql: string) => (this.db.prepare(sql).all(dayStart) as Row[]).map((r) => r.m as number);
    const placeholders = OPEN_STATUSES.map(() => '?').join(',');
    // Per-minute buckets keep the query small and let the caller place them in any time zone.
    const perMinute = this.db
      .prepare('SELECT substr(created_at, 1, 16) AS minute, COUNT(*) AS n FROM incidents WHERE created_at >= ? GROUP BY minute')
      .all(dayStart) as Row[];
    const units = this.allUnits();
    let online = 0;
    for (const s of this.latest.values()) if (s.at !== null && s.at >= onlineSince) online += 1;
    return {
      openIncidents: count(`SELECT COUNT(*) AS n FROM incidents WHERE status IN (${placeholders})`, ...OPEN_STATUSES),
      overdue: count(
        `SELECT COUNT(*) AS n FROM incidents WHERE status IN (${placeholders}) AND json_extract(data, '$.deadline.light') = 'red' AND json_extract(data, '$.deadline.paused') IS NOT 1`,
        ...OPEN_STATUSES,
      ),
      newToday: count('SELECT COUNT(*) AS n FROM incidents WHERE created_at >= ?', dayStart),
      callsToday: count("SELECT COUNT(*) AS n FROM events WHERE source = 'hotline' AND received_at >= ?", dayStart),
      activeAlarms: this.activeAlarms.size,
      sensorsTotal: this.sensorDistrict.size,
      sensorsOnline: online,
      unitsAvailable: units.filter((u) => u.status === 'available').length,
      unitsBusy: units.filter((u) => u.status === 'busy').length,
      dispatchMinutes: minutes(
        'SELECT (julianday(dispatched_at) - julianday(created_at)) * 1440 AS m FROM incidents WHERE created_at >= ? AND dispatched_at IS NOT NULL',
      ),
      arriveMinutes: minutes(
        'SELECT (julianday(on_scene_at) - julianday(dispatched_at)) * 1440 AS m FROM incidents WHERE created_at >= ? AND on_scene_at IS NOT NULL AND dispatched_at IS NOT NULL',
      ),
      createdPerMinute: perMinute.map((r) => ({ minute: `${r.minute as string}:00.000Z`, count: r.n as number })),
    };
  }


  // ---- deadlines, escalation and evaluation ----

  async acquireLease(name: string, holder: string, ttlMs: number, now: string): Promise<boolean> {
    const expires = new Date(Date.parse(now) + ttlMs).toISOString();
    // Take it if free or expired, renew it if ours; otherwise leave it to its holder.
    const result = this.db
      .prepare(
        `INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
         WHERE leases.holder = excluded.holder OR leases.expires_at <= ?`,
      )
      .run(name, holder, expires, now);
    return result.changes === 1;
  }

  async releaseLease(name: string, holder: string): Promise<void> {
    this.db.prepare('DELETE FROM leases WHERE name = ? AND holder = ?').run(name, holder);
  }

  async dueDeadlines(now: string, limit: number): Promise<Incident[]> {
    const rows = this.db
      .prepare('SELECT data FROM incidents WHERE deadline_next_at IS NOT NULL AND deadline_next_at <= ? ORDER BY deadline_next_at, id LIMIT ?')
      .all(now, limit) as Row[];
    return rows.map((r) => JSON.parse(r.data as string) as Incident).filter((i) => isOpen(i.status));
  }

  async openIncidents(afterId: string, limit: number): Promise<Incident[]> {
    const rows = this.db
      .prepare(`SELECT data FROM incidents WHERE id > ? AND status IN (${OPEN_STATUSES.map(() => '?').join(',')}) ORDER BY id LIMIT ?`)
      .all(afterId, ...OPEN_STATUSES, limit) as Row[];
    return rows.map((r) => JSON.parse(r.data as string) as Incident);
  }

  async refreshDeadlines(ids: readonly string[], refresh: DeadlineRefresher, at: string): Promise<Change[]> {
    const run = this.db.transaction(() => {
      const changes: Change[] = [];
      for (const id of ids) {
        const row = this.stmt.getIncident.get(id) as Row | undefined;
        if (!row) continue;
        const incident = JSON.parse(row.data as string) as Incident;
        const deadline = refresh(incident);
        if (deadline === undefined) continue;
        const after: Incident = { ...incident, deadline };
        this.db
          .prepare('UPDATE incidents SET data = ?, deadline_next_at = ? WHERE id = ? AND version = ?')
          .run(JSON.stringify(after), isOpen(after.status) ? (deadline?.nextAt ?? null) : null, id, incident.version);
        changes.push(this.append({ type: 'incident', incident: after }, at));
      }
      return changes;
    });
    return run.immediate();
  }

  async listDeadlineProfiles(): Promise<DeadlineProfile[]> {
    return (this.db.prepare('SELECT data FROM deadline_profiles ORDER BY category, severity').all() as Row[]).map(
      (r) => JSON.parse(r.data as string) as DeadlineProfile,
    );
  }

  async saveDeadlineProfiles(profiles: readonly DeadlineProfile[], actorId: string | null, at: string): Promise<void> {
    this.db.transaction(() => {
      const before = (this.db.prepare('SELECT data FROM deadline_profiles ORDER BY category, severity').all() as Row[]).map((r) => JSON.parse(r.data as string) as unknown);
      this.db.prepare('DELETE FROM deadline_profiles').run();
      const insert = this.db.prepare('INSERT INTO deadline_profiles (category, severity, data) VALUES (?, ?, ?)');
      for (const p of profiles) insert.run(p.category, p.severity, JSON.stringify(p));
      this.writeAudit({ at, actorId, action: 'deadline_profiles.save', entity: 'deadline_profiles', entityId: 'all', before, after: profiles });
    }).immediate();
  }

  private writeRequest(request: DeadlineRequest): void {
    this.db
      .prepare(
        `INSERT INTO deadline_requests (id, incident_id, district_id, status, requested_at, data) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(id) DO UPDATE SET status = excluded.status, data = excluded.data`,
      )
      .run(request.id, request.incidentId, request.districtId, request.status, request.requestedAt, JSON.stringify(request));
  }

  async listDeadlineRequests(filter: DeadlineRequestFilter): Promise<DeadlineRequest[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      where.push('status = ?');
      params.push(filter.status);
    }
    if (filter.incidentId) {
      where.push('incident_id = ?');
      params.push(filter.incidentId);
    }
    if (filter.districtId) {
      where.push('district_id = ?');
      params.push(filter.districtId);
    }
    const rows = this.db
      .prepare(`SELECT data FROM deadline_requests ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY requested_at DESC, id DESC LIMIT ?`)
      .all(...params, filter.limit) as Row[];
    return rows.map((r) => JSON.parse(r.data as string) as DeadlineRequest);
  }

  async getDeadlineRequest(id: string): Promise<DeadlineRequest | undefined> {
    const row = this.db.prepare('SELECT data FROM deadline_requests WHERE id = ?').get(id) as Row | undefined;
    return row ? (JSON.parse(row.data as string) as DeadlineRequest) : undefined;
  }

  async evaluationRecords(filter: EvaluationFilter): Promise<EvaluationRecord[]> {
    return this.reader ? this.reader.run({ name: 'evaluationRecords', args: [filter] }) : evaluationRecordsOf(this.db, filter);
  }

  async evaluation(filter: EvaluationFilter, now: string): Promise<Evaluation> {
    return this.reader ? this.reader.run({ name: 'evaluation', args: [filter, now] }) : evaluationOf(this.db, filter, now);
  }

  async evaluationTable(filter: EvaluationFilter, by: GroupBy, now: string): Promise<EvaluationRow[]> {
    const args: [EvaluationFilter, GroupBy, string] = [filter, by, now];
    return this.reader ? this.reader.run({ name: 'evaluationTable', args }) : evaluationTableOf(this.db, ...args);
  }

  async yesterdayInputs(dayStart: string, sameTime: string, dayEnd: string): Promise<YesterdayInputs> {
    const args: [string, string, string] = [dayStart, sameTime, dayEnd];
    return this.reader ? this.reader.run({ name: 'yesterdayInputs', args }) : yesterdayInputsOf(this.db, ...args);
  }

  async overdueCount(filter: OverdueFilter, now: string): Promise<number> {
    return this.reader ? this.reader.run({ name: 'overdueCount', args: [filter, now] }) : overdueCountOf(this.db, filter, now);
  }
}

function encodeCursor(createdAt: string, id: string): string {
  return Buffer.from(`${createdAt}|${id}`, 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): [string, string] {
  const [createdAt = '', id = ''] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  return [createdAt, id];
}
