// Schema migrations, applied in order and recorded in `schema_migrations`. Append, never edit.
// Hot tables are shaped for ingest: raw readings are append-only in rowid order with no secondary
// index; idempotency keys live in their own WITHOUT ROWID table.
//
// One migration set serves both stores (SQLite embedded, PostgreSQL when DATABASE_URL is set):
// - `sql` runs on both when it is portable. Portable means: TEXT for strings and ISO times,
//   INTEGER for small integers and flags (0/1), DOUBLE PRECISION for floats (REAL is 4 bytes on
//   PostgreSQL), plain CREATE TABLE/INDEX and ALTER TABLE ... ADD COLUMN, no json_extract, no
//   WITHOUT ROWID, no AUTOINCREMENT, no triggers.
// - `pg` is PostgreSQL's own version when `sql` is not portable; it must produce the same tables,
//   columns and meaning. Write it beside `sql` in the same migration, with the same id.
// - On PostgreSQL, text that is compared or ordered (ids, ISO times, codes) is declared
//   `TEXT COLLATE "C"`, so it sorts by bytes exactly as SQLite does; an INTEGER PRIMARY KEY that
//   SQLite numbers by itself is a BIGSERIAL there; SQLite's rowid order is an explicit `ord`.
// - The change log's seq is assigned by the store under a lock, not by the schema, so that its
//   order is commit order on every node (see PgStore).
// The shared store suite (server/store/storeSuite.ts) runs against both, and store.test.ts
// compares their tables and columns, so a migration that diverges shows up there.

export type Dialect = 'sqlite' | 'postgres';

export interface Migration {
  id: number;
  name: string;
  /** Portable SQL, or SQLite's when `pg` is given. */
  sql: string;
  /** PostgreSQL's version of this migration, when `sql` is not portable. */
  pg?: string;
}

/** The statements a migration runs on a dialect. */
export function migrationSql(migration: Migration, dialect: Dialect): string {
  return dialect === 'postgres' && migration.pg !== undefined ? migration.pg : migration.sql;
}

/** PostgreSQL text that sorts and compares by bytes, like SQLite's. */
const T = 'TEXT COLLATE "C"';

export const MIGRATIONS: readonly Migration[] = [
  {
    id: 1,
    name: 'foundation',
    sql: `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL,
  display_name TEXT NOT NULL,
  district_id TEXT,
  unit_id TEXT,
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at TEXT NOT NULL
);
CREATE TABLE sessions (
  token_hash TEXT PRIMARY KEY,
  user_id TEXT NOT NULL REFERENCES users(id),
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  scope TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE TABLE categories (code TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE units (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE sensors (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE sensor_latest (
  sensor_id TEXT PRIMARY KEY,
  value REAL,
  at TEXT,
  level TEXT NOT NULL,
  online INTEGER NOT NULL
);
CREATE TABLE readings (sensor_id TEXT NOT NULL, metric TEXT NOT NULL, value REAL NOT NULL, at TEXT NOT NULL);
CREATE TABLE ingest_keys (
  source TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  incident_id TEXT,
  PRIMARY KEY (source, source_event_id)
) WITHOUT ROWID;
CREATE TABLE events (
  id INTEGER PRIMARY KEY,
  source TEXT NOT NULL,
  source_event_id TEXT NOT NULL,
  occurred_at TEXT NOT NULL,
  received_at TEXT NOT NULL,
  incident_id TEXT,
  payload TEXT NOT NULL
);
CREATE INDEX events_incident ON events(incident_id);
CREATE INDEX events_received ON events(source, received_at);
CREATE TABLE callers (
  event_id INTEGER PRIMARY KEY REFERENCES events(id),
  incident_id TEXT,
  name TEXT NOT NULL,
  phone TEXT NOT NULL
);
CREATE TABLE incidents (
  id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  status TEXT NOT NULL,
  district_id TEXT,
  category TEXT,
  severity TEXT NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX incidents_status ON incidents(status);
CREATE INDEX incidents_updated ON incidents(updated_at);
CREATE INDEX incidents_created ON incidents(created_at, id);
CREATE TABLE timeline (id INTEGER PRIMARY KEY, incident_id TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX timeline_incident ON timeline(incident_id);
CREATE TABLE tasks (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL,
  unit_id TEXT NOT NULL,
  status TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX tasks_incident ON tasks(incident_id);
CREATE INDEX tasks_unit ON tasks(unit_id, status);
CREATE TABLE alarms (id TEXT PRIMARY KEY, sensor_id TEXT NOT NULL, status TEXT NOT NULL, data TEXT NOT NULL);
CREATE INDEX alarms_active ON alarms(sensor_id, status);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY,
  at TEXT NOT NULL,
  actor_id TEXT,
  action TEXT NOT NULL,
  entity TEXT NOT NULL,
  entity_id TEXT NOT NULL,
  before TEXT,
  after TEXT,
  reason TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit log is append-only'); END;
CREATE TABLE changes (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  at TEXT NOT NULL,
  type TEXT NOT NULL,
  district_id TEXT,
  body TEXT NOT NULL
);
CREATE TABLE counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
`,
    pg: `
CREATE TABLE users (
  id ${T} PRIMARY KEY,
  username ${T} NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  role ${T} NOT NULL,
  display_name TEXT NOT NULL,
  district_id ${T},
  unit_id ${T},
  disabled INTEGER NOT NULL DEFAULT 0,
  created_at ${T} NOT NULL
);
CREATE TABLE sessions (
  token_hash ${T} PRIMARY KEY,
  user_id ${T} NOT NULL REFERENCES users(id),
  created_at ${T} NOT NULL,
  expires_at ${T} NOT NULL
);
CREATE TABLE api_keys (
  id ${T} PRIMARY KEY,
  key_hash ${T} NOT NULL UNIQUE,
  name TEXT NOT NULL,
  scope ${T} NOT NULL,
  created_at ${T} NOT NULL,
  revoked_at ${T}
);
CREATE TABLE categories (code ${T} PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE units (id ${T} PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE sensors (id ${T} PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE sensor_latest (
  sensor_id ${T} PRIMARY KEY,
  value DOUBLE PRECISION,
  at ${T},
  level ${T} NOT NULL,
  online INTEGER NOT NULL
);
CREATE TABLE readings (sensor_id ${T} NOT NULL, metric ${T} NOT NULL, value DOUBLE PRECISION NOT NULL, at ${T} NOT NULL);
CREATE TABLE ingest_keys (
  source ${T} NOT NULL,
  source_event_id ${T} NOT NULL,
  incident_id ${T},
  PRIMARY KEY (source, source_event_id)
);
CREATE TABLE events (
  id BIGSERIAL PRIMARY KEY,
  source ${T} NOT NULL,
  source_event_id ${T} NOT NULL,
  occurred_at ${T} NOT NULL,
  received_at ${T} NOT NULL,
  incident_id ${T},
  payload TEXT NOT NULL
);
CREATE INDEX events_incident ON events(incident_id);
CREATE INDEX events_received ON events(source, received_at);
CREATE TABLE callers (
  event_id BIGINT PRIMARY KEY REFERENCES events(id),
  incident_id ${T},
  name TEXT NOT NULL,
  phone TEXT NOT NULL
);
CREATE TABLE incidents (
  id ${T} PRIMARY KEY,
  code ${T} NOT NULL UNIQUE,
  status ${T} NOT NULL,
  district_id ${T},
  category ${T},
  severity ${T} NOT NULL,
  created_at ${T} NOT NULL,
  updated_at ${T} NOT NULL,
  version INTEGER NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX incidents_status ON incidents(status);
CREATE INDEX incidents_updated ON incidents(updated_at);
CREATE INDEX incidents_created ON incidents(created_at, id);
CREATE TABLE timeline (id BIGSERIAL PRIMARY KEY, incident_id ${T} NOT NULL, data TEXT NOT NULL);
CREATE INDEX timeline_incident ON timeline(incident_id);
CREATE TABLE tasks (
  id ${T} PRIMARY KEY,
  incident_id ${T} NOT NULL,
  unit_id ${T} NOT NULL,
  status ${T} NOT NULL,
  data TEXT NOT NULL,
  ord BIGSERIAL NOT NULL
);
CREATE INDEX tasks_incident ON tasks(incident_id);
CREATE INDEX tasks_unit ON tasks(unit_id, status);
CREATE TABLE alarms (id ${T} PRIMARY KEY, sensor_id ${T} NOT NULL, status ${T} NOT NULL, data TEXT NOT NULL);
CREATE INDEX alarms_active ON alarms(sensor_id, status);
CREATE TABLE audit (
  id BIGSERIAL PRIMARY KEY,
  at ${T} NOT NULL,
  actor_id ${T},
  action ${T} NOT NULL,
  entity ${T} NOT NULL,
  entity_id ${T} NOT NULL,
  before TEXT,
  after TEXT,
  reason TEXT
);
CREATE INDEX audit_entity ON audit(entity, entity_id);
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'audit log is append-only'; END $$;
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit FOR EACH ROW EXECUTE FUNCTION audit_append_only();
CREATE TABLE changes (
  seq BIGINT PRIMARY KEY,
  at ${T} NOT NULL,
  type ${T} NOT NULL,
  district_id ${T},
  body TEXT NOT NULL
);
CREATE TABLE counters (name ${T} PRIMARY KEY, value BIGINT NOT NULL);
`,
  },
  {
    id: 2,
    name: 'stage times as columns',
    // The vital signs read stage times for every incident of the day every few seconds: keep
    // them as plain columns rather than parsing each incident's JSON.
    sql: `
ALTER TABLE incidents ADD COLUMN dispatched_at TEXT;
ALTER TABLE incidents ADD COLUMN on_scene_at TEXT;
UPDATE incidents SET dispatched_at = json_extract(data, '$.stageAt.dispatched'), on_scene_at = json_extract(data, '$.stageAt.on_scene');
`,
    pg: `
ALTER TABLE incidents ADD COLUMN dispatched_at TEXT COLLATE "C";
ALTER TABLE incidents ADD COLUMN on_scene_at TEXT COLLATE "C";
UPDATE incidents SET dispatched_at = data::json #>> '{stageAt,dispatched}', on_scene_at = data::json #>> '{stageAt,on_scene}';
`,
  },
  {
    id: 3,
    name: 'merged incidents point at their parent',
    sql: `
ALTER TABLE incidents ADD COLUMN parent_id TEXT;
UPDATE incidents SET parent_id = json_extract(data, '$.parentId');
CREATE INDEX incidents_parent ON incidents(parent_id) WHERE parent_id IS NOT NULL;
`,
    pg: `
ALTER TABLE incidents ADD COLUMN parent_id TEXT COLLATE "C";
UPDATE incidents SET parent_id = data::json ->> 'parentId';
CREATE INDEX incidents_parent ON incidents(parent_id) WHERE parent_id IS NOT NULL;
`,
  },
  {
    id: 4,
    name: 'idempotent commands',
    sql: `
CREATE TABLE idempotency_keys (
  user_id TEXT NOT NULL,
  key TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (user_id, key)
) WITHOUT ROWID;
`,
    pg: `
CREATE TABLE idempotency_keys (
  user_id ${T} NOT NULL,
  key ${T} NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  created_at ${T} NOT NULL,
  PRIMARY KEY (user_id, key)
);
`,
  },
  {
    id: 5,
    name: 'field photos',
    sql: `
CREATE TABLE photos (
  id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  incident_id TEXT,
  content_type TEXT NOT NULL,
  bytes INTEGER NOT NULL,
  created_at TEXT NOT NULL
);
`,
  },
  {
    id: 6,
    name: 'alarm dwell survives a restart',
    sql: `
ALTER TABLE sensor_latest ADD COLUMN pending_level TEXT;
ALTER TABLE sensor_latest ADD COLUMN pending_since TEXT;
`,
  },
  {
    id: 7,
    name: 'per-minute reading rollups',
    // Raw readings stay append-only without an index; charts and history read these buckets.
    sql: `
CREATE TABLE readings_1m (
  sensor_id TEXT NOT NULL,
  minute TEXT NOT NULL,
  n INTEGER NOT NULL,
  sum REAL NOT NULL,
  min REAL NOT NULL,
  max REAL NOT NULL,
  PRIMARY KEY (sensor_id, minute)
) WITHOUT ROWID;
INSERT INTO readings_1m SELECT sensor_id, substr(at, 1, 16), COUNT(*), SUM(value), MIN(value), MAX(value) FROM readings GROUP BY sensor_id, substr(at, 1, 16);
`,
    pg: `
CREATE TABLE readings_1m (
  sensor_id ${T} NOT NULL,
  minute ${T} NOT NULL,
  n INTEGER NOT NULL,
  sum DOUBLE PRECISION NOT NULL,
  min DOUBLE PRECISION NOT NULL,
  max DOUBLE PRECISION NOT NULL,
  PRIMARY KEY (sensor_id, minute)
);
INSERT INTO readings_1m SELECT sensor_id, substr(at, 1, 16), COUNT(*), SUM(value), MIN(value), MAX(value) FROM readings GROUP BY sensor_id, substr(at, 1, 16);
`,
  },
  {
    id: 8,
    name: 'deadlines, escalation and the scheduler lease',
    // The scheduler asks "which cases need a look now?": keep the next instant as a column.
    sql: `
ALTER TABLE incidents ADD COLUMN deadline_next_at TEXT;
UPDATE incidents SET deadline_next_at = json_extract(data, '$.deadline.nextAt');
CREATE INDEX incidents_deadline_next ON incidents(deadline_next_at) WHERE deadline_next_at IS NOT NULL;
CREATE TABLE leases (name TEXT PRIMARY KEY, holder TEXT NOT NULL, expires_at TEXT NOT NULL);
CREATE TABLE deadline_profiles (category TEXT NOT NULL, severity TEXT NOT NULL, data TEXT NOT NULL, PRIMARY KEY (category, severity));
CREATE TABLE deadline_requests (
  id TEXT PRIMARY KEY,
  incident_id TEXT NOT NULL,
  district_id TEXT,
  status TEXT NOT NULL,
  requested_at TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX deadline_requests_status ON deadline_requests(status, requested_at);
CREATE INDEX deadline_requests_incident ON deadline_requests(incident_id);
`,
    pg: `
ALTER TABLE incidents ADD COLUMN deadline_next_at TEXT COLLATE "C";
UPDATE incidents SET deadline_next_at = data::json #>> '{deadline,nextAt}';
CREATE INDEX incidents_deadline_next ON incidents(deadline_next_at) WHERE deadline_next_at IS NOT NULL;
CREATE TABLE leases (name ${T} PRIMARY KEY, holder ${T} NOT NULL, expires_at ${T} NOT NULL);
CREATE TABLE deadline_profiles (category ${T} NOT NULL, severity ${T} NOT NULL, data TEXT NOT NULL, PRIMARY KEY (category, severity));
CREATE TABLE deadline_requests (
  id ${T} PRIMARY KEY,
  incident_id ${T} NOT NULL,
  district_id ${T},
  status ${T} NOT NULL,
  requested_at ${T} NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX deadline_requests_status ON deadline_requests(status, requested_at);
CREATE INDEX deadline_requests_incident ON deadline_requests(incident_id);
`,
  },
  {
    id: 9,
    name: 'security: session ids and idle time, kiosk accounts, audit outcome and hash chain',
    // Audit rows written before this migration keep NULL hashes; the chain starts at the first
    // row written after it, and the verifier refuses a NULL hash once the chain has begun.
    sql: `
ALTER TABLE users ADD COLUMN kiosk INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN id TEXT;
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;
CREATE INDEX sessions_user ON sessions(user_id);
ALTER TABLE audit ADD COLUMN outcome TEXT NOT NULL DEFAULT 'ok';
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
`,
    // The SQL is portable; PostgreSQL's version only adds byte-order collation to compared text.
    pg: `
ALTER TABLE users ADD COLUMN kiosk INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN id ${T};
ALTER TABLE sessions ADD COLUMN last_seen_at ${T};
CREATE INDEX sessions_user ON sessions(user_id);
ALTER TABLE audit ADD COLUMN outcome ${T} NOT NULL DEFAULT 'ok';
ALTER TABLE audit ADD COLUMN prev_hash TEXT;
ALTER TABLE audit ADD COLUMN hash TEXT;
`,
  },
  {
    id: 10,
    name: 'vital signs from indexes',
    // The vital signs are recomputed every 2 s. Counting overdue cases parsed every open case's
    // JSON (~35 ms on 10,000, the server answering nothing meanwhile); the index keeps each case's
    // deadline light, so only the red ones are read. The stage times were read from the rows
    // themselves, past the case's JSON; the second index holds them.
    sql: `
CREATE INDEX incidents_deadline_light ON incidents(json_extract(data, '$.deadline.light'), status);
CREATE INDEX incidents_created_stages ON incidents(created_at, dispatched_at, on_scene_at);
`,
    pg: `
CREATE INDEX incidents_deadline_light ON incidents((data::json #>> '{deadline,light}'), status);
CREATE INDEX incidents_created_stages ON incidents(created_at, dispatched_at, on_scene_at);
`,
  },
  {
    id: 11,
    name: 'recent alarms',
    // A snapshot carries the alarms raised in the last day, cleared ones too, so that a screen's
    // alarms per hour survive a reload; the alarms table only grows, so they are found by index.
    sql: `CREATE INDEX alarms_raised ON alarms(json_extract(data, '$.raisedAt'));`,
    pg: `CREATE INDEX alarms_raised ON alarms((data::json ->> 'raisedAt'));`,
  },
];
