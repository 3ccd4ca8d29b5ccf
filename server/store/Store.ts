// The only door to persistence. Every method is atomic: state, audit and the change-log rows it
// writes commit together or not at all. Methods that need to decide on current state take a pure,
// synchronous callback that the store runs inside its transaction (read → decide → write), so the
// same shape serves an embedded store and a client/server database.

import type { Change, ChangeBody, SensorView, Snapshot } from '../../shared/protocol/changes.ts';
import type { Decision } from '../../shared/domain/incidentMachine.ts';
import type { DeadlineProfile } from '../../shared/domain/deadlines.ts';
import type { Evaluation, EvaluationRecord, EvaluationRow, GroupBy } from '../../shared/domain/evaluation.ts';
import type {
  Alarm,
  Category,
  DeadlineRequest,
  DeadlineState,
  Incident,
  Role,
  Sensor,
  SensorState,
  Task,
  TimelineEntry,
  Unit,
  EventSource,
} from '../../shared/domain/types.ts';
import type { AuditChainReport } from './auditChain.ts';

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: Role;
  displayName: string;
  districtId: string | null;
  unitId: string | null;
  disabled: boolean;
  /** A kiosk account (the big screen) is exempt from the idle timeout, not the absolute one. */
  kiosk?: boolean;
}

/** What an administrator may change on an account; each change is audited with it. */
export type UserPatch = Partial<Pick<UserRecord, 'role' | 'districtId' | 'unitId' | 'disabled' | 'passwordHash' | 'kiosk' | 'displayName'>>;

export interface SessionRecord {
  /** Public handle for listing and ending a session (the token digest stays secret). */
  id: string;
  tokenHash: string;
  userId: string;
  createdAt: string;
  /** Absolute expiry. */
  expiresAt: string;
  /** Last request seen, for the idle timeout (null: none since sign-in). */
  lastSeenAt: string | null;
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  scope: 'ingest';
  revoked: boolean;
  createdAt?: string;
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
  /** `ok` (done), `refused` (not allowed) or `failed` (e.g. a wrong password). Default `ok`. */
  outcome?: 'ok' | 'refused' | 'failed';
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
  /** Extension and suspension requests created or decided by this command. */
  requests?: DeadlineRequest[];
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
  /** Open incidents whose current stage's limit has run out (red light); absent: none counted. */
  overdue?: number;
  /** Incidents created today, counted per UTC minute (ISO start of the minute). */
  createdPerMinute: { minute: string; count: number }[];
}

/**
 * Recomputes an incident's deadline inside the store's transaction; `undefined` leaves it as is.
 * Deadline states are derived data: writing one bumps no version and writes no audit.
 */
export type DeadlineRefresher = (incident: Incident) => DeadlineState | null | undefined;

export interface DeadlineRequestFilter {
  status?: DeadlineRequest['status'];
  incidentId?: string;
  districtId?: string;
  limit: number;
}

export interface EvaluationFilter {
  /** Incidents created in [from, to). */
  from: string;
  to: string;
  districtId?: string;
  /** A category code; matches it and everything below it in the tree. */
  category?: string;
  /** A unit: the cases it had a task on. */
  unitId?: string;
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

  // Security (accounts, sessions, keys, audit chain, callers' retention)
  listUsers(): Promise<UserRecord[]>;
  /** Change an account and write `audit` in the same transaction; undefined if no such user. */
  updateUser(id: string, patch: UserPatch, audit?: AuditInput): Promise<UserRecord | undefined>;
  listSessions(): Promise<SessionRecord[]>;
  /** Record activity on a session (idle timeout); callers throttle how often they call it. */
  touchSession(tokenHash: string, at: string): Promise<void>;
  /** End sessions by token digest, public id or user; returns the sessions ended. */
  deleteSessions(match: { tokenHash?: string; id?: string; userId?: string }): Promise<SessionRecord[]>;
  listApiKeys(): Promise<ApiKeyRecord[]>;
  /** Revoke a key (kept, marked revoked); false if no such key. */
  revokeApiKey(id: string, at: string): Promise<boolean>;
  /** Append one audit entry on its own (sign-ins, reveals, admin acts); hash-chained like all. */
  appendAudit(entry: AuditInput): Promise<void>;
  /** Recompute the audit hash chain from the first row. */
  verifyAuditChain(): Promise<AuditChainReport>;
  /** Delete callers' names and phones of events received before `before` (retention); returns rows scrubbed. */
  scrubCallers(before: string): Promise<number>;

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
  /**
   * Run a bulk load (the demo's past, before the server listens) with one durable commit at the
   * end instead of one per command; writes made inside share it. Never used for live traffic.
   */
  bulkLoad<T>(load: () => Promise<T>): Promise<T>;
  /** `receivedAt`: when the center received the batch (the ingest's clock; defaults to now). */
  ingest(writes: IngestWrite[], decideReading: ReadingDecider, receivedAt?: string): Promise<IngestCommit>;
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
  /**
   * The live state at one seq: open incidents and those updated since `recentSince` (at most
   * `maxIncidents`), open tasks, all units and sensors, and the alarms still active or raised since
   * `recentSince` (a screen's alarms-per-hour chart must survive a reload).
   */
  snapshot(recentSince: string, maxIncidents: number): Promise<Omit<Snapshot, 'protocolVersion' | 'metrics'>>;
  /** `onlineSince`: a sensor that reported at or after it counts as online. */
  metricsInputs(dayStart: string, onlineSince: string): Promise<MetricsInputs>;

  // Deadlines, escalation and evaluation
  /**
   * Take or renew the lease `name` for `holder` until now + ttlMs; true if `holder` holds it
   * afterwards. An expired lease can be taken by anyone. One deadline scheduler per deployment.
   */
  acquireLease(name: string, holder: string, ttlMs: number, now: string): Promise<boolean>;
  /** Give the lease up (a clean shutdown), so another process need not wait for it to expire. */
  releaseLease(name: string, holder: string): Promise<void>;
  /** Open incidents whose deadline needs a look at or before `now` (deadline.nextAt ≤ now), soonest first. */
  dueDeadlines(now: string, limit: number): Promise<Incident[]>;
  /** Open incidents (and those without a computed deadline), for the recompute at start-up, in pages. */
  openIncidents(afterId: string, limit: number): Promise<Incident[]>;
  /** Recompute deadlines of the given incidents in one transaction; one `incident` change per one that changed. */
  refreshDeadlines(ids: readonly string[], refresh: DeadlineRefresher, at: string): Promise<Change[]>;
  listDeadlineProfiles(): Promise<DeadlineProfile[]>;
  /** Replace every profile at once, audited (`deadline_profiles`, before and after). */
  saveDeadlineProfiles(profiles: readonly DeadlineProfile[], actorId: string | null, at: string): Promise<void>;
  listDeadlineRequests(filter: DeadlineRequestFilter): Promise<DeadlineRequest[]>;
  getDeadlineRequest(id: string): Promise<DeadlineRequest | undefined>;
  /** Incidents created in the range with the facts evaluation needs (see EvaluationRecord). */
  evaluationRecords(filter: EvaluationFilter): Promise<EvaluationRecord[]>;
  /** The evaluation of those records as of `now`: what the live vital signs need, without the records. */
  evaluation(filter: EvaluationFilter, now: string): Promise<Evaluation>;
  /** The evaluation of those records per district, unit or category, ranked. */
  evaluationTable(filter: EvaluationFilter, by: GroupBy, now: string): Promise<EvaluationRow[]>;
  /** Yesterday's counterpart of the day's figures, for the vital signs' "same time yesterday". */
  yesterdayInputs(dayStart: string, sameTime: string, dayEnd: string): Promise<YesterdayInputs>;
  /**
   * Cases not yet resolved (whenever created) in the filter's district and category, and held by
   * its unit, whose current stage was due at or before `now` and whose clock is not paused.
   */
  overdueCount(filter: OverdueFilter, now: string): Promise<number>;
}

export interface OverdueFilter {
  districtId?: string;
  /** A category code; matches it and everything below it in the tree. */
  category?: string;
  /** The unit the case is with now. */
  unitId?: string;
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
