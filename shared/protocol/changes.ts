// The live stream's envelopes. Facts (incident, task, alarm, notice, and unit status) come from
// the durable change log and carry its `seq`; telemetry (sensor values, unit positions) is
// latest-value state that rides along in a batch stamped with the batch's `toSeq`.

import type { Alarm, CityMetrics, Incident, Sensor, SensorState, Task, Unit, User } from '../domain/types.ts';

export interface Notice {
  level: 'info' | 'warning' | 'critical';
  /** i18n key; the text is composed on the client. */
  code: string;
  params?: Record<string, string | number>;
}

export type ChangeBody =
  | { type: 'incident'; incident: Incident }
  | { type: 'task'; task: Task }
  | { type: 'unit'; unit: Unit }
  | { type: 'sensor'; sensor: SensorState }
  | { type: 'alarm'; alarm: Alarm }
  | { type: 'metrics'; metrics: CityMetrics }
  | { type: 'notice'; notice: Notice; at: string };

export type Change = ChangeBody & { seq: number };
export type ChangeType = Change['type'];

/** What a screen knows of a sensor: the registry entry plus its latest value. */
export type SensorView = Sensor & Omit<SensorState, 'id'>;

export interface Snapshot {
  protocolVersion: number;
  seq: number;
  incidents: Incident[];
  tasks: Task[];
  units: Unit[];
  sensors: SensorView[];
  alarms: Alarm[];
  metrics: CityMetrics | null;
}

/**
 * A slice of the change log. `fromSeq..toSeq` is the range of the log this batch covers; the
 * `changes` are the ones in that range this connection may see (possibly none). Batches arrive
 * contiguous: each `fromSeq` is the previous `toSeq + 1`, which is how a client detects a gap.
 */
export interface ChangeBatch {
  fromSeq: number;
  toSeq: number;
  changes: Change[];
}

export interface Hello {
  protocolVersion: number;
  user: User;
  serverTime: string;
}

export type ResumeResult =
  | { ok: true; mode: 'changes'; toSeq: number }
  | { ok: true; mode: 'snapshot'; toSeq: number }
  | { ok: false; code: string; message: string };

/** Who else has an incident open right now ("also viewing"), for dispatchers and supervisors. */
export interface Presence {
  incidentId: string;
  viewers: { userId: string; displayName: string }[];
}

export interface ServerToClientEvents {
  hello: (hello: Hello) => void;
  snapshot: (snapshot: Snapshot) => void;
  changes: (batch: ChangeBatch) => void;
  presence: (presence: Presence) => void;
}

export interface ClientToServerEvents {
  resume: (request: { lastSeq: number }, ack: (result: ResumeResult) => void) => void;
  /** The incident this screen now shows (null: none). */
  'presence:view': (request: { incidentId: string | null }) => void;
}

export const LIVE_NAMESPACE = '/live';
