// Schema migrations, applied in order and recorded in `schema_migrations`. Append, never edit.
// Hot tables are shaped for ingest: raw readings are append-only in rowid order with no secondary
// index; idempotency keys live in their own WITHOUT ROWID table.

export interface Migration {
  id: number;
  name: string;
  sql: string;
}

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
  },
  {
    id: 3,
    name: 'merged incidents point at their parent',
    sql: `
ALTER TABLE incidents ADD COLUMN parent_id TEXT;
UPDATE incidents SET parent_id = json_extract(data, '$.parentId');
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
  },
];
