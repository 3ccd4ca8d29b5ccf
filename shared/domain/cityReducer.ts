// The change reducer: the one way a screen's picture of the city moves forward. The client store
// and the replay tests both use it, so what a screen shows is what the log says.

import type { Change, ChangeBatch, SensorView, Snapshot } from '../protocol/changes.ts';
import type { Alarm, CityMetrics, Incident, SensorState, Task, Unit } from './types.ts';
import { PersistentTable } from './persistentTable.ts';

export type { Table } from './persistentTable.ts';

export interface CityState {
  /** The last change-log seq applied; 0 before the first snapshot. */
  seq: number;
  incidents: PersistentTable<Incident>;
  tasks: PersistentTable<Task>;
  units: PersistentTable<Unit>;
  sensors: PersistentTable<SensorView>;
  alarms: PersistentTable<Alarm>;
  metrics: CityMetrics | null;
}

export function emptyCity(): CityState {
  return { seq: 0, incidents: PersistentTable.from([]), tasks: PersistentTable.from([]), units: PersistentTable.from([]), sensors: PersistentTable.from([]), alarms: PersistentTable.from([]), metrics: null };
}

/** A table from a plain object (tests and fixtures write them that way). */
export function tableOf<T>(entries: Record<string, T>): PersistentTable<T> {
  return PersistentTable.from(Object.entries(entries));
}

function byId<T extends { id: string }>(items: readonly T[]): PersistentTable<T> {
  return PersistentTable.from(items.map((item): [string, T] => [item.id, item]));
}

export function fromSnapshot(snapshot: Snapshot): CityState {
  return {
    seq: snapshot.seq,
    incidents: byId(snapshot.incidents),
    tasks: byId(snapshot.tasks),
    units: byId(snapshot.units),
    sensors: byId(snapshot.sensors),
    alarms: byId(snapshot.alarms),
    metrics: snapshot.metrics,
  };
}

export type TableName = 'incidents' | 'tasks' | 'units' | 'sensors' | 'alarms';
export const TABLES: readonly TableName[] = ['incidents', 'tasks', 'units', 'sensors', 'alarms'];

/**
 * What a batch changes: the new entry for each id it touches, per table (the last write wins),
 * the metrics if they moved, and the new seq. Computed without copying any table, so its cost is
 * the batch's, whatever the city's size; committing it is the caller's choice (see `applyDelta`).
 */
export interface CityDelta {
  seq: number;
  incidents: Map<string, Incident>;
  tasks: Map<string, Task>;
  units: Map<string, Unit>;
  sensors: Map<string, SensorView>;
  alarms: Map<string, Alarm>;
  /** Undefined when the batch carries no metrics. */
  metrics: CityMetrics | undefined;
}

export type DeltaOutcome =
  | { kind: 'applied'; delta: CityDelta }
  /** Everything in the batch was already applied (a resend after resume): nothing changes. */
  | { kind: 'stale' }
  /** The batch starts after a hole: the client must resume from `expectedFrom`. */
  | { kind: 'gap'; expectedFrom: number };

export type BatchOutcome =
  | { kind: 'applied'; state: CityState }
  /** Everything in the batch was already applied (a resend after resume): nothing changes. */
  | { kind: 'stale'; state: CityState }
  /** The batch starts after a hole: the client must resume from `state.seq`. */
  | { kind: 'gap'; state: CityState; expectedFrom: number };

/**
 * Pure: what `batch` changes in `state`, read but never written. Changes at or below the
 * state's seq were already applied and are skipped; telemetry is latest-value and always applies.
 * `takeReading`, when given, receives each sensor reading with the entry it updates instead of
 * the delta getting a new entry (a store that writes readings in place; see `storeDelta`).
 */
export function batchDelta(state: CityState, batch: ChangeBatch, takeReading?: (entry: SensorView, reading: SensorState) => void): DeltaOutcome {
  if (batch.fromSeq > state.seq + 1) return { kind: 'gap', expectedFrom: state.seq + 1 };
  if (batch.toSeq < state.seq && batch.changes.every((c) => !isTelemetry(c))) return { kind: 'stale' };
  const delta: CityDelta = {
    seq: Math.max(state.seq, batch.toSeq),
    incidents: new Map(),
    tasks: new Map(),
    units: new Map(),
    sensors: new Map(),
    alarms: new Map(),
    metrics: undefined,
  };
  for (const change of batch.changes) {
    if (!isTelemetry(change) && change.seq <= state.seq) continue;
    switch (change.type) {
      case 'incident':
        delta.incidents.set(change.incident.id, change.incident);
        break;
      case 'task':
        delta.tasks.set(change.task.id, change.task);
        break;
      case 'unit':
        delta.units.set(change.unit.id, change.unit);
        break;
      case 'sensor': {
        const known = delta.sensors.get(change.sensor.id) ?? state.sensors.get(change.sensor.id);
        // A value for a sensor this screen has no registry entry for cannot be drawn; skip it.
        if (!known) break;
        if (takeReading) takeReading(known, change.sensor);
        else delta.sensors.set(change.sensor.id, { ...known, ...change.sensor });
        break;
      }
      case 'alarm':
        delta.alarms.set(change.alarm.id, change.alarm);
        break;
      case 'metrics':
        delta.metrics = change.metrics;
        break;
      case 'notice':
        break;
    }
  }
  return { kind: 'applied', delta };
}

/**
 * Pure: the state after `delta`. A table the delta touches gets a new version (sharing what the
 * delta leaves alone, so the cost is the delta's); a table it does not touch is the same object.
 */
export function applyDelta(state: CityState, delta: CityDelta): CityState {
  const next: CityState = { ...state, seq: delta.seq };
  if (delta.metrics !== undefined) next.metrics = delta.metrics;
  for (const name of TABLES) {
    const changes: Map<string, unknown> = delta[name];
    if (changes.size === 0) continue;
    (next as unknown as Record<TableName, unknown>)[name] = (state[name] as PersistentTable<unknown>).with(changes);
  }
  return next;
}

/** Apply one batch: `batchDelta`, then `applyDelta`. */
export function applyBatch(state: CityState, batch: ChangeBatch): BatchOutcome {
  const outcome = batchDelta(state, batch);
  if (outcome.kind === 'applied') return { kind: 'applied', state: applyDelta(state, outcome.delta) };
  return { ...outcome, state };
}

/** Convenience for tests and replays: each change as its own one-change batch. */
export function applyChange(state: CityState, change: Change): CityState {
  const outcome = applyBatch(state, { fromSeq: Math.min(change.seq, state.seq + 1), toSeq: change.seq, changes: [change] });
  return outcome.state;
}

function isTelemetry(change: Change): boolean {
  return change.type === 'sensor' || change.type === 'unit' || change.type === 'metrics';
}
