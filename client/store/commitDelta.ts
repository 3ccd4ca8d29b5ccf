// How the client commits what a flush changes. Fact tables (incidents, tasks, units, alarms) get a
// new version when a change of their kind arrives (a PersistentTable: the cost is the change's),
// so readers that compare references (memos, selectors over a whole table) see them move. Sensor
// readings arrive by the thousand a second into a table of tens of thousands: they replace their
// entries in place, so old states see them too and no version is made. Readers of sensors pick entries (`s.city.sensors.get(id)`, a
// new object per reading) or follow the changed ids each flush publishes (`AppState.changes`).

import type { PersistentTable } from '../../shared/domain/persistentTable.ts';
import { isOpen } from '../../shared/domain/incidentMachine.ts';
import { isTaskOpen } from '../../shared/domain/taskMachine.ts';
import { TABLES, applyDelta, type CityDelta, type CityState, type TableName } from '../../shared/domain/cityReducer.ts';

export type ChangedIds = Record<TableName, string[]>;

/** What the last flush changed, for readers that update by id (the map layers). */
export interface FlushChanges {
  /** A snapshot replaced the tables: readers start over from the whole state. */
  reset: boolean;
  ids: ChangedIds;
}

/** Tables written in place rather than copied. */
export const IN_PLACE: ReadonlySet<TableName> = new Set<TableName>(['sensors']);

export function noChanges(reset = false): FlushChanges {
  return { reset, ids: Object.fromEntries(TABLES.map((t) => [t, []])) as unknown as ChangedIds };
}

/**
 * `applyDelta` for the store: the same state, except that the in-place tables keep their
 * object and have the changed entries written into it. `state` must be the store's own.
 */
export function commitDelta(state: CityState, delta: CityDelta, changes: FlushChanges): CityState {
  const copied: CityDelta = { ...delta };
  for (const name of IN_PLACE) (copied as unknown as Record<TableName, Map<string, unknown>>)[name] = new Map();
  const next = applyDelta(state, copied);
  for (const name of IN_PLACE) (next[name] as PersistentTable<unknown>).writeInPlace(delta[name] as Map<string, unknown>);
  for (const name of TABLES) {
    const ids = changes.ids[name];
    (delta[name] as Map<string, unknown>).forEach((_, id) => ids.push(id));
  }
  return next;
}

/**
 * A screen that runs for days must not keep every case it ever saw. The snapshot a screen starts
 * from holds open incidents and those finished within this window; finished ones older than it
 * (and finished tasks) are dropped from the store the same way, so a screen left on holds what a
 * fresh one would.
 */
export const KEEP_FINISHED_MS = 24 * 3_600_000;

/** Pure: the state without finished incidents and tasks last updated before `now - keepMs`. */
export function pruneFinished(state: CityState, now: number, keepMs = KEEP_FINISHED_MS): { city: CityState; changes: FlushChanges } {
  const cutoff = new Date(now - keepMs).toISOString();
  const changes = noChanges();
  for (const i of state.incidents.values()) if (!isOpen(i.status) && i.updatedAt < cutoff) changes.ids.incidents.push(i.id);
  for (const t of state.tasks.values()) if (!isTaskOpen(t.status) && t.updatedAt < cutoff) changes.ids.tasks.push(t.id);
  if (changes.ids.incidents.length === 0 && changes.ids.tasks.length === 0) return { city: state, changes };
  return { city: { ...state, incidents: state.incidents.without(changes.ids.incidents), tasks: state.tasks.without(changes.ids.tasks) }, changes };
}
