// How the client commits what a flush changes. Fact tables (incidents, tasks, units, alarms) get a
// new version when a change of their kind arrives (a PersistentTable: the cost is the change's),
// so readers that compare references (memos, selectors over a whole table) see them move. Sensor
// readings arrive by the thousand a second into a table of tens of thousands: each is written
// into the entry it updates, so neither the table nor the entry gets a new version, and nothing
// is allocated per reading (a new entry per reading lived seconds, long enough for each young
// collection to copy it — the pauses that pushed flushes over their budget). Readers of sensors
// therefore compare what they show (`sensorReading`), not references, or follow the changed ids
// each flush publishes (`AppState.changes`).

import type { ChangeBatch, SensorView } from '../../shared/protocol/changes.ts';
import { isOpen } from '../../shared/domain/incidentMachine.ts';
import { isTaskOpen } from '../../shared/domain/taskMachine.ts';
import { TABLES, applyDelta, batchDelta, type CityDelta, type CityState, type DeltaOutcome, type TableName } from '../../shared/domain/cityReducer.ts';

export type ChangedIds = Record<TableName, string[]>;

/** What the last flush changed, for readers that update by id (the map layers). */
export interface FlushChanges {
  /** A snapshot replaced the tables: readers start over from the whole state. */
  reset: boolean;
  /** Per table; a sensor read twice in one flush may be named twice. */
  ids: ChangedIds;
}

export function noChanges(reset = false): FlushChanges {
  return { reset, ids: Object.fromEntries(TABLES.map((t) => [t, []])) as unknown as ChangedIds };
}

/**
 * `batchDelta` for the store: the batch's sensor readings are written into the entries of
 * `state` (which must be the store's own) and named in `changes`; the delta holds the rest.
 * A stale batch or one after a gap writes nothing.
 */
export function storeDelta(state: CityState, batch: ChangeBatch, changes: FlushChanges): DeltaOutcome {
  return batchDelta(state, batch, (entry, reading) => {
    Object.assign(entry, reading);
    changes.ids.sensors.push(entry.id);
  });
}

/** The state after a `storeDelta`, naming the ids it changed in `changes`. */
export function commitDelta(state: CityState, delta: CityDelta, changes: FlushChanges): CityState {
  for (const name of TABLES) {
    const ids = changes.ids[name];
    (delta[name] as Map<string, unknown>).forEach((_, id) => ids.push(id));
  }
  return applyDelta(state, delta);
}

/**
 * What a view shows of a sensor, as one comparable value: a selector returns this (not the
 * entry, which readings write in place) so the view re-renders when a reading changes it.
 */
export function sensorReading(sensor: SensorView | undefined): string | undefined {
  return sensor && `${sensor.value}|${sensor.at}|${sensor.level}|${sensor.online}|${sensor.pending?.level ?? ''}`;
}

/**
 * A screen that runs for days must not keep every case it ever saw. The snapshot a screen starts
 * from holds open incidents and those finished within this window, and the alarms active or raised
 * within it; finished ones older than it (finished tasks and cleared alarms too) are dropped from
 * the store the same way, so a screen left on holds what a fresh one would.
 */
export const KEEP_FINISHED_MS = 24 * 3_600_000;

/**
 * Pure: the state without finished incidents and tasks last updated before `now - keepMs`, and
 * without cleared alarms raised before it.
 */
export function pruneFinished(state: CityState, now: number, keepMs = KEEP_FINISHED_MS): { city: CityState; changes: FlushChanges } {
  const cutoff = new Date(now - keepMs).toISOString();
  const changes = noChanges();
  const { incidents, tasks, alarms } = changes.ids;
  for (const i of state.incidents.values()) if (!isOpen(i.status) && i.updatedAt < cutoff) incidents.push(i.id);
  for (const t of state.tasks.values()) if (!isTaskOpen(t.status) && t.updatedAt < cutoff) tasks.push(t.id);
  for (const a of state.alarms.values()) if (a.status === 'cleared' && a.raisedAt < cutoff) alarms.push(a.id);
  if (incidents.length === 0 && tasks.length === 0 && alarms.length === 0) return { city: state, changes };
  return { city: { ...state, incidents: state.incidents.without(incidents), tasks: state.tasks.without(tasks), alarms: state.alarms.without(alarms) }, changes };
}
