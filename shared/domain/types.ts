// The domain vocabulary of DESIGN.md. Plain data only: these cross the wire and the store.

export type LonLat = [number, number];

export const SEVERITIES = ['critical', 'high', 'medium', 'low'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ROLES = ['operator', 'dispatcher', 'officer', 'supervisor', 'admin', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export const INCIDENT_STATUSES = [
  'new',
  'triaged',
  'dispatched',
  'accepted',
  'on_scene',
  'resolved',
  'closed',
  'rejected',
  'merged',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];

export const EVENT_SOURCES = ['hotline', 'sensor', 'patrol', 'camera', 'system'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export interface LocalizedName {
  zh: string;
  en: string;
}

/** One entry of an incident's history, shown as its timeline. */
export interface TimelineEntry {
  at: string;
  action: string;
  actorId: string | null;
  from: IncidentStatus | null;
  to: IncidentStatus;
  note?: string;
}

export interface Incident {
  id: string;
  /** Human code read over the phone, e.g. "GD-20261122-0042". */
  code: string;
  title: string;
  text: string;
  category: string | null;
  severity: Severity;
  /** Null when a caller gave only an address the gazetteer does not know. */
  location: LonLat | null;
  address: string | null;
  districtId: string | null;
  streetId: string | null;
  gridId: string | null;
  status: IncidentStatus;
  source: EventSource;
  repeatCount: number;
  parentId: string | null;
  escalationLevel: 0 | 1 | 2;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** When each stage was reached; absent until it is. */
  stageAt: Partial<Record<IncidentStatus, string>>;
  /** The unit currently holding the case, if dispatched. */
  unitId: string | null;
  /** Caller satisfaction after closing (hotline cases). */
  satisfaction: Satisfaction | null;
  /** The callback's answer to "was your problem solved?"; absent when not asked. */
  callbackResolved?: boolean | null;
  /** The clock on the current stage, kept by the deadline scheduler; absent where no limit applies. */
  deadline?: DeadlineState | null;
  /** Approved extensions (延期) and suspensions (挂账): the clocks do not run during them. */
  pauses?: IncidentPause[];
  /** Facts of the clock kept after each stage ends, for evaluation. */
  clock?: IncidentClock;
}

export const PAUSE_KINDS = ['extension', 'suspension'] as const;
export type PauseKind = (typeof PAUSE_KINDS)[number];

export interface IncidentPause {
  kind: PauseKind;
  requestId: string;
  from: string;
  /** Null while a suspension lasts until it is lifted. */
  to: string | null;
}

export interface IncidentClock {
  /** The whole case's clock starts at the first dispatch, not at acceptance. */
  caseStartedAt: string | null;
  /** Share of each limit used when its stage ended (≤ 1: within the limit); `case` at closing. */
  finished: Partial<Record<DeadlineStage | 'case', number>>;
}

export const REQUEST_STATUSES = ['pending', 'approved', 'refused', 'ended'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Requests a supervisor decides: the two that stop a case's clock, and arbitration of a unit's return (退回). */
export const REQUEST_KINDS = [...PAUSE_KINDS, 'return'] as const;
export type RequestKind = (typeof REQUEST_KINDS)[number];

/**
 * A request for a supervisor: an extension (延期) for a length of time or a suspension (挂账) until
 * lifted, both of which stop the clock once approved; or a unit's return of a case, which the
 * supervisor upholds or finds unjustified (退回仲裁).
 */
export interface DeadlineRequest {
  id: string;
  incidentId: string;
  incidentCode: string;
  districtId: string | null;
  kind: RequestKind;
  /** The unit that returned the case (return arbitration). */
  unitId?: string | null;
  reason: string;
  /** Extension length in minutes (wall clock); null for a suspension. */
  minutes: number | null;
  status: RequestStatus;
  requestedBy: string;
  requestedAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
  note: string | null;
}

/** Steps of escalation: 催办 at 80%, 督办 level 1 when overdue, level 2 at 150%. */
export const ESCALATION_STEPS = ['urge', 'overdue', 'level2'] as const;
export type EscalationStep = (typeof ESCALATION_STEPS)[number];

export const DEADLINE_STAGES = ['dispatch', 'accept', 'arrive', 'resolve'] as const;
export type DeadlineStage = (typeof DEADLINE_STAGES)[number];

/** Traffic light from the share of the stage's limit used: green < 80%, yellow 80–100%, red > 100%. */
export const TRAFFIC_LIGHTS = ['green', 'yellow', 'red'] as const;
export type TrafficLight = (typeof TRAFFIC_LIGHTS)[number];

export interface DeadlineState {
  stage: DeadlineStage;
  /** When the stage's limit runs out (null while the clock is paused). */
  dueAt: string | null;
  /** Share of the stage's limit used when it was last computed (1 = exactly due). */
  used: number;
  light: TrafficLight;
  /** Set during an approved extension (延期) or suspension (挂账). */
  paused?: boolean;
  /** When the current stage's clock started. */
  startedAt?: string;
  /** The stage's limit in minutes of its own clock (working minutes for working-time limits). */
  limitMinutes?: number;
  /** The next instant the scheduler must look at this case (a threshold or a pause's end). */
  nextAt?: string | null;
  /** Escalation steps already taken in this stage (each fires once). */
  fired?: EscalationStep[];
  /** When the whole case's limit runs out (from the first dispatch). */
  caseDueAt?: string | null;
}

export const SATISFACTIONS = ['satisfied', 'basically_satisfied', 'dissatisfied'] as const;
export type Satisfaction = (typeof SATISFACTIONS)[number];

export const TASK_STATUSES = ['assigned', 'accepted', 'on_scene', 'resolved', 'returned'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export interface Task {
  id: string;
  incidentId: string;
  unitId: string;
  districtId: string | null;
  status: TaskStatus;
  note: string | null;
  /** Evidence photo attached when the task was resolved. */
  photoId?: string | null;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export const UNIT_STATUSES = ['available', 'busy', 'off_duty'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];

export interface Unit {
  id: string;
  callsign: string;
  name: LocalizedName;
  type: string;
  skills: string[];
  homeDistrictId: string;
  status: UnitStatus;
  position: LonLat;
  positionAt: string | null;
}

export interface SensorRule {
  direction: 'above' | 'below';
  warn: number;
  alarm: number;
  clear: number;
  dwellSec: number;
  /** Optional: a change faster than this (units per minute, in the rule's direction) proposes an alarm. */
  maxRatePerMin?: number;
}

export interface Sensor {
  id: string;
  kind: string;
  metric: string;
  unit: string;
  location: LonLat;
  districtId: string;
  gridId: string;
  intervalSec: number;
  rule: SensorRule;
}

/** Latest-value telemetry of a sensor (coalesced on the wire). */
export interface SensorState {
  id: string;
  value: number | null;
  at: string | null;
  online: boolean;
  level: 'normal' | 'warn' | 'alarm';
  /** A different level the readings propose but that has not yet lasted the rule's dwell time. */
  pending?: { level: 'normal' | 'warn' | 'alarm'; since: string } | null;
}

export type AlarmStatus = 'raised' | 'acknowledged' | 'cleared';

export interface Alarm {
  id: string;
  sensorId: string;
  metric: string;
  level: 'warn' | 'alarm';
  status: AlarmStatus;
  value: number;
  districtId: string;
  raisedAt: string;
  clearedAt: string | null;
  incidentId: string | null;
  /** Who acknowledged it, and when (an alarm stays active until its sensor clears). */
  acknowledgedBy?: string | null;
  acknowledgedAt?: string | null;
}

export interface CityMetrics {
  at: string;
  openIncidents: number;
  newToday: number;
  overdue: number;
  callsToday: number;
  activeAlarms: number;
  sensorsOnlinePct: number | null;
  unitsAvailable: number;
  unitsBusy: number;
  medianDispatchMinutes: number | null;
  medianArriveMinutes: number | null;
  responseRate: number | null;
  resolutionRate: number | null;
  satisfactionRate: number | null;
  /** Incidents created per hour of the current day (local hours 0..23). */
  incidentsByHour: number[];
  /** The same figures at the same time of day yesterday, where the store can say (null: it cannot). */
  yesterday?: YesterdayMetrics | null;
}

/** Yesterday up to the same local time; a figure the store cannot reconstruct is null. */
export interface YesterdayMetrics {
  newToday: number | null;
  callsToday: number | null;
  medianDispatchMinutes: number | null;
  medianArriveMinutes: number | null;
  /** Incidents created per local hour over the whole of yesterday. */
  incidentsByHour: number[];
}

export interface User {
  id: string;
  username: string;
  role: Role;
  displayName: string;
  districtId?: string;
  unitId?: string;
}

/** The person or machine giving a command, as the domain needs to know them. */
export interface Actor {
  id: string;
  role: Role;
  districtId?: string;
  unitId?: string;
}

export interface Category {
  code: string;
  name: LocalizedName;
  defaultSeverity: Severity;
  unitType: string;
  duplicateRadiusM: number;
  deadlinesMin: { dispatch: number; accept: number; arrive: number; resolve: number };
  sensorMetrics: string[];
  samples: { zh: string[]; en: string[] };
}
