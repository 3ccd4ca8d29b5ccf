// The only door to persistence. Every method is atomic: state, audit and the change-log rows it
// writes commit together or not at all. Methods that need to decide on current state take a pure,
// synchronous callback that the store runs inside its transaction (read → decide → write), so the
// same shape serves an embedded store and a client/server database.

import type { Change, ChangeBody, SensorView, Snapshot } from '../../shared/protocol/changes.ts';
import type { Decision } from '../../shared/domain/incidentMachine.ts';
import type {
  Alarm,
  Category,
  Incident,
  Role,
  Sensor,
  SensorState,
  Task,
  TimelineEntry,
  Unit,
  EventSource,
} from '../../shared/domain/types.ts';

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  displayName: string;
  districtId: string | null;
  unitId: string | null;
  disabled: boolean;
}

export interface SessionRecord {
  tokenHash: string;
  userId: string;
  createdAt: string;
  expiresAt: string;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  scope: 'ingest';
  revoked: boolean;
}

export interface PhotoRecord {
  id: string;
  userId: string;
  incidentId: string | null;
  contentType: string;
  bytes: number;
  createdAt: string;
}

export interface ReadingBucket {
  /** Start of the bucket, ISO. */
  at: string;
  n: number;
  avg: number;
  min: number;
  max: number;
}

export interface UnitPosition {
  unitId: string;
  position: [number, number];
  at: string;
}

export interface AuditInput {
  at: string;
  actorId: string | null;
  action: string;
  entity: string;
  entityId: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
}

export interface AuditEntry extends AuditInput {
  id: number;
}

/** One ingest item after validation, ready to be stored. */
export type IngestWrite =
  | { kind: 'reading'; source: 'sensor'; sourceEventId: string; sensorId: string; metric: string; value: number; at: string }
  | {
      kind: 'incident';
      source: EventSource;
      sourceEventId: string;
      occurredAt: string;
      payload: unknown;
      caller?: { name: string; phone: string };
      /** The incident to open; its `code` is assigned by the store. */
      incident: Incident;
      /** A repeated call about this open incident: link to it instead (opens `incident` if it closed meanwhile). */
      linkTo?: string;
    };

export interface IngestItemOutcome {
  status: 'accepted' | 'duplicate';
  incidentId?: string;
  /** True when the event was linked to an existing incident as a repeated report. */
  linked?: boolean;
}

/**
 * Decides a sensor's new latest state (and any alarm change) from its previous one, inside the
 * ingest transaction. `openIncident`: the incident a raised alarm opens on its own (未诉先办).
 */
export type ReadingDecider = (
  sensorId: string,
  value: number,
  at: string,
  previous: SensorState | undefined,
  activeAlarm: Alarm | undefined,
) => { state: SensorState; alarm?: Alarm; openIncident?: Incident };

export interface IngestCommit {
  outcomes: IngestItemOutcome[];
  changes: Change[];
  /** Latest sensor states touched by this commit (telemetry, not logged). */
  sensorStates: SensorState[];
}

export interface IncidentUpdate {
  decision: Decision;
  /** Other incidents changed by the same command (a merge's parent), already decided. */
  related?: { incident: Incident; entry: TimelineEntry }[];
  /** A photo that becomes evidence of this incident. */
  attachPhotoId?: string;
  /** Extra facts to write with an accepted decision (a task, a unit's new status). */
  tasks?: Task[];
  units?: Unit[];
  audit?: Omit<AuditInput, 'at' | 'entity' | 'entityId' | 'action'>;
}

/** Decides inside the transaction; `related` holds the incidents named by `relatedIds`, read in it too. */
export type IncidentUpdater = (incident: Incident, tasks: Task[], related: Incident[]) => IncidentUpdate;

export interface UpdateResult {
  decision: Decision;
  changes: Change[];
}

export interface IncidentFilter {
  statuses?: string[];
  districtId?: string;
  category?: string;
  severity?: string;
  q?: string;
  /** Opaque cursor from a previous page. */
  cursor?: string;
  limit: number;
}

export interface LinkedEvent {
  id: number;
  source: EventSource;
  sourceEventId: string;
  occurredAt: string;
  receivedAt: string;
  payload: unknown;
}

export interface MetricsInputs {
  openIncidents: number;
  newToday: number;
  callsToday: number;
  activeAlarms: number;
  sensorsTotal: number;
  sensorsOnline: number;
  unitsAvailable: number;
  unitsBusy: number;
  /** Minutes from creation to dispatch, and from dispatch to arrival, for incidents created today. */
  dispatchMinutes: number[];
  arriveMinutes: number[];
  /** Incidents created today, counted per UTC minute (ISO start of the minute). */
  createdPerMinute: { minute: string; count: number }[];
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  close(): Promise<void>;
  isReady(): Promise<boolean>;

  // People and keys
  countUsers(): Promise<number>;
  createUser(user: UserRecord, at: string): Promise<void>;
  findUserByUsername(username: string): Promise<UserRecord | undefined>;
  getUser(id: string): Promise<UserRecord | undefined>;
  createSession(session: SessionRecord): Promise<void>;
  getSession(tokenHash: string): Promise<SessionRecord | undefined>;
  deleteSession(tokenHash: string): Promise<void>;
  createApiKey(id: string, name: string, keyHash: string, at: string): Promise<void>;
  findApiKey(keyHash: string): Promise<ApiKeyRecord | undefined>;

  // Idempotent commands: the first response to a key is kept and replayed for repeats.
  findIdempotent(userId: string, key: string): Promise<{ status: number; body: unknown } | undefined>;
  saveIdempotent(userId: string, key: string, status: number, body: unknown, at: string): Promise<void>;

  // Photos from the field: the file lives on disk, the record says whose it is and which case.
  createPhoto(photo: PhotoRecord): Promise<void>;
  getPhoto(id: string): Promise<PhotoRecord | undefined>;

  // Reference data (the responsibility map lives in fixtures; these are editable at run time)
  upsertCategories(categories: Category[]): Promise<void>;
  listCategories(): Promise<Category[]>;
  upsertUnits(units: Unit[]): Promise<void>;
  listUnits(): Promise<Unit[]>;
  upsertSensors(sensors: Sensor[]): Promise<void>;
  listSensors(): Promise<SensorView[]>;

  // Ingest and commands
  ingest(writes: IngestWrite[], decideReading: ReadingDecider): Promise<IngestCommit>;
  updateIncident(id: string, updater: IncidentUpdater, at: string, relatedIds?: string[]): Promise<UpdateResult | undefined>;
  /** Telemetry: latest unit positions, in one transaction; not in the change log. Unknown ids are skipped. */
  setUnitPositions(updates: readonly UnitPosition[]): Promise<Unit[]>;
  appendChanges(bodies: ChangeBody[], at: string): Promise<Change[]>;

  // Reads
  getIncident(id: string): Promise<Incident | undefined>;
  listIncidents(filter: IncidentFilter): Promise<{ items: Incident[]; nextCursor: string | null }>;
  timeline(incidentId: string): Promise<TimelineEntry[]>;
  linkedEvents(incidentId: string): Promise<LinkedEvent[]>;
  /** The callers behind an incident's hotline events (personal data: mask before showing). */
  callersOf(incidentId: string): Promise<{ name: string; phone: string; eventId: number }[]>;
  tasksOf(incidentId: string): Promise<Task[]>;
  getTask(id: string): Promise<Task | undefined>;
  tasksForUnit(unitId: string): Promise<Task[]>;
  getUnit(id: string): Promise<Unit | undefined>;
  /** Open tasks per unit id. */
  openTaskCounts(): Promise<Map<string, number>>;
  /** Open incidents created at or after `since`, for duplicate search. */
  openIncidentsSince(since: string): Promise<Incident[]>;
  audit(entity: string, entityId: string): Promise<AuditEntry[]>;
  headSeq(): Promise<number>;
  /** Changes with seq in (afterSeq, toSeq], in order; `at` of the change at afterSeq if it exists. */
  changesAfter(afterSeq: number, toSeq: number): Promise<Change[]>;
  changeTime(seq: number): Promise<string | undefined>;
  /** Acknowledge a raised alarm: audited, a change on the stream. Undefined if no such alarm. */
  acknowledgeAlarm(alarmId: string, actorId: string, at: string): Promise<{ alarm: Alarm; changes: Change[]; refused?: string } | undefined>;
  /** Mark sensors offline (they missed their expected readings); returns the states that changed. */
  markOffline(sensorIds: readonly string[]): Promise<SensorState[]>;
  /** Latest states of sensors whose last reading is older than `before`, still marked online. */
  silentSince(before: string): Promise<SensorState[]>;
  /** A sensor's readings in [from, to), bucketed by minute or by hour. */
  readingSeries(sensorId: string, from: string, to: string, bucket: 'minute' | 'hour'): Promise<ReadingBucket[]>;
  /** Sensor states updated at or after `since`. */
  sensorStatesSince(since: string): Promise<SensorState[]>;
  snapshot(recentSince: string, maxIncidents: number): Promise<Omit<Snapshot, 'protocolVersion' | 'metrics'>>;
  /** `onlineSince`: a sensor that reported at or after it counts as online. */
  metricsInputs(dayStart: string, onlineSince: string): Promise<MetricsInputs>;
  /** Yesterday's counterpart of the day's figures (optional: a store without it shows no deltas). */
  yesterdayInputs?(dayStart: string, sameTime: string, dayEnd: string): Promise<YesterdayInputs>;
}

export interface YesterdayInputs {
  /** Created / hotline calls received between `dayStart` and `sameTime`. */
  newToday: number;
  callsToday: number;
  dispatchMinutes: number[];
  arriveMinutes: number[];
  /** Incidents created over the whole day (`dayStart` to `dayEnd`), per UTC minute. */
  createdPerMinute: { minute: string; count: number }[];
}
