// The change reducer: the one way a screen's picture of the city moves forward. The client store
// and the replay tests both use it, so what a screen shows is what the log says.

import type { Change, ChangeBatch, SensorView, Snapshot } from '../protocol/changes.ts';
import type { Alarm, CityMetrics, Incident, Task, Unit } from './types.ts';

export interface CityState {
  /** The last change-log seq applied; 0 before the first snapshot. */
  seq: number;
  incidents: Record<string, Incident>;
  tasks: Record<string, Task>;
  units: Record<string, Unit>;
  sensors: Record<string, SensorView>;
  alarms: Record<string, Alarm>;
  metrics: CityMetrics | null;
}

export function emptyCity(): CityState {
  return { seq: 0, incidents: {}, tasks: {}, units: {}, sensors: {}, alarms: {}, metrics: null };
}

function byId<T extends { id: string }>(items: readonly T[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const item of items) out[item.id] = item;
  return out;
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

export type BatchOutcome =
  | { kind: 'applied'; state: CityState }
  /** Everything in the batch was already applied (a resend after resume): nothing changes. */
  | { kind: 'stale'; state: CityState }
  /** The batch starts after a hole: the client must resume from `state.seq`. */
  | { kind: 'gap'; state: CityState; expectedFrom: number };

/**
 * Apply one batch. Tables touched by the batch are copied once, then mutated in place, so a
 * batch of thousands of changes costs one copy per table rather than one per change.
 * Changes at or below the state's seq were already applied and are skipped.
 */
export function applyBatch(state: CityState, batch: ChangeBatch): BatchOutcome {
  if (batch.fromSeq > state.seq + 1) return { kind: 'gap', state, expectedFrom: state.seq + 1 };
  if (batch.toSeq < state.seq && batch.changes.every((c) => !isTelemetry(c))) return { kind: 'stale', state };

  const next: CityState = { ...state };
  const copied = new Set<keyof CityState>();
  const table = <K extends 'incidents' | 'tasks' | 'units' | 'sensors' | 'alarms'>(key: K): CityState[K] => {
    if (!copied.has(key)) {
      next[key] = { ...state[key] } as CityState[K];
      copied.add(key);
    }
    return next[key];
  };

  for (const change of batch.changes) {
    // Facts at or below what we hold were seen before; telemetry is latest-value and always applies.
    if (!isTelemetry(change) && change.seq <= state.seq) continue;
    applyOne(next, change, table);
  }
  next.seq = Math.max(state.seq, batch.toSeq);
  return { kind: 'applied', state: next };
}

/** Convenience for tests and replays: each change as its own one-change batch. */
export function applyChange(state: CityState, change: Change): CityState {
  const outcome = applyBatch(state, { fromSeq: Math.min(change.seq, state.seq + 1), toSeq: change.seq, changes: [change] });
  return outcome.state;
}

function isTelemetry(change: Change): boolean {
  return change.type === 'sensor' || change.type === 'unit' || change.type === 'metrics';
}

type TableGetter = <K extends 'incidents' | 'tasks' | 'units' | 'sensors' | 'alarms'>(key: K) => CityState[K];

function applyOne(next: CityState, change: Change, table: TableGetter): void {
  switch (change.type) {
    case 'incident':
      table('incidents')[change.incident.id] = change.incident;
      break;
    case 'task':
      table('tasks')[change.task.id] = change.task;
      break;
    case 'unit':
      table('units')[change.unit.id] = change.unit;
      break;
    case 'sensor': {
      const sensors = table('sensors');
      const known = sensors[change.sensor.id];
      // A value for a sensor this screen has no registry entry for cannot be drawn; skip it.
      if (known) sensors[change.sensor.id] = { ...known, ...change.sensor };
      break;
    }
    case 'alarm':
      table('alarms')[change.alarm.id] = change.alarm;
      break;
    case 'metrics':
      next.metrics = change.metrics;
      break;
    case 'notice':
      break;
  }
}
