import { describe, expect, it } from 'vitest';
import { applyBatch, fromSnapshot, type CityState } from '../../shared/domain/cityReducer.ts';
import { openIncident } from '../../shared/domain/incidentFactory.ts';
import type { Alarm, Task } from '../../shared/domain/types.ts';
import type { Change, ChangeBatch, SensorView, Snapshot } from '../../shared/protocol/changes.ts';
import { commitDelta, noChanges, pruneFinished, sensorReading, storeDelta } from './commitDelta.ts';

const sensor = (id: string): SensorView => ({ id, kind: 'water_level', metric: 'water_level', unit: 'cm', location: [0, 0], districtId: 'CA01', gridId: 'g', intervalSec: 60, rule: { direction: 'above', warn: 1, alarm: 2, clear: 1, dwellSec: 0 }, value: null, at: null, online: false, level: 'normal' });
const incident = (seq: number, id: string): Change => ({ seq, type: 'incident', incident: openIncident({ id, codePrefix: 'GD', source: 'patrol', text: id, category: null, severity: 'low', location: [0, 0], address: null, placement: null, now: '2026-11-22T00:00:00.000Z' }) });
const reading = (seq: number, id: string, value: number): Change => ({ seq, type: 'sensor', sensor: { id, value, at: 't', online: true, level: value > 2 ? 'alarm' : 'normal' } });
const snapshot = (): Snapshot => ({ protocolVersion: 1, seq: 0, incidents: [], tasks: [], units: [], sensors: ['S1', 'S2', 'S3'].map(sensor), alarms: [], metrics: null });

function commit(state: CityState, batch: ChangeBatch) {
  const changes = noChanges();
  const outcome = storeDelta(state, batch, changes);
  if (outcome.kind !== 'applied') throw new Error(outcome.kind);
  return { state: commitDelta(state, outcome.delta, changes), changes };
}

describe('commitDelta (the store’s commit)', () => {
  it('reaches the same state as the pure reducer, batch after batch', () => {
    const batches: ChangeBatch[] = [
      { fromSeq: 1, toSeq: 3, changes: [incident(1, 'a'), reading(2, 'S1', 1), incident(3, 'b')] },
      { fromSeq: 4, toSeq: 5, changes: [reading(4, 'S1', 3), reading(4, 'S2', 1), incident(5, 'a')] },
      { fromSeq: 6, toSeq: 6, changes: [reading(6, 'S3', 2), reading(6, 'NOPE', 2)] },
    ];
    let pure = fromSnapshot(snapshot());
    let store = fromSnapshot(snapshot());
    for (const b of batches) {
      pure = applyBatch(pure, b).state;
      store = commit(store, b).state;
      expect(store).toEqual(pure);
    }
  });

  it('writes readings into the entries they update, keeps untouched tables, and names what changed', () => {
    const start = fromSnapshot(snapshot());
    const { sensors, incidents } = start;
    const s1 = sensors.get('S1')!;
    const s2 = sensors.get('S2')!;
    const { state, changes } = commit(start, { fromSeq: 1, toSeq: 2, changes: [reading(1, 'S1', 5), incident(2, 'a')] });
    expect(state).not.toBe(start);
    expect(state.sensors).toBe(sensors);
    expect(state.sensors.get('S1')).toBe(s1);
    expect(s1).toMatchObject({ value: 5, level: 'alarm', online: true, kind: 'water_level' });
    expect(s2.value).toBe(null);
    expect(state.incidents).not.toBe(incidents);
    expect(state.tasks).toBe(start.tasks);
    expect(changes.reset).toBe(false);
    expect(changes.ids.sensors).toEqual(['S1']);
    expect(changes.ids.incidents).toEqual(['a']);
    expect(changes.ids.units).toEqual([]);
  });

  it('writes nothing for a batch after a gap or one already applied', () => {
    const start = fromSnapshot({ ...snapshot(), seq: 5 });
    const changes = noChanges();
    expect(storeDelta(start, { fromSeq: 8, toSeq: 8, changes: [reading(8, 'S1', 5)] }, changes).kind).toBe('gap');
    expect(storeDelta(start, { fromSeq: 3, toSeq: 4, changes: [incident(3, 'a')] }, changes).kind).toBe('stale');
    expect(start.sensors.get('S1')!.value).toBe(null);
    expect(changes.ids.sensors).toEqual([]);
  });
});

describe('sensorReading (what a view follows of an entry written in place)', () => {
  it('changes with the value, time, level, online state and pending level, and only with them', () => {
    const s = sensor('S1');
    const before = sensorReading(s);
    expect(sensorReading({ ...s })).toBe(before);
    for (const patch of [{ value: 3 }, { at: 't2' }, { level: 'warn' as const }, { online: true }, { pending: { level: 'alarm' as const, since: 't' } }]) {
      expect(sensorReading({ ...s, ...patch })).not.toBe(before);
    }
    expect(sensorReading(undefined)).toBeUndefined();
  });
});

describe('pruneFinished (a screen left on for days)', () => {
  const NOW = Date.parse('2026-11-24T12:00:00.000Z');
  const task = (id: string, status: Task['status'], iso: string): Task => ({ id, incidentId: 'x', unitId: 'u', districtId: null, status, note: null, version: 1, createdAt: iso, updatedAt: iso });
  const at = (iso: string, status: 'closed' | 'new' | 'rejected') => ({ ...(incident(1, `${status}-${iso}`) as Extract<Change, { type: 'incident' }>).incident, status, updatedAt: iso });

  it('drops finished incidents and tasks older than the snapshot window, keeps open and recent ones, and names what it dropped', () => {
    const old = '2026-11-23T11:00:00.000Z';
    const recent = '2026-11-24T11:00:00.000Z';
    const state = fromSnapshot({
      ...snapshot(),
      incidents: [at(old, 'closed'), at(old, 'rejected'), at(old, 'new'), at(recent, 'closed')],
      tasks: [task('t-old', 'resolved', old), task('t-open', 'accepted', old)],
    });
    const { city, changes } = pruneFinished(state, NOW);
    expect([...city.incidents.keys()].sort()).toEqual([`closed-${recent}`, `new-${old}`]);
    expect(changes.ids.incidents.sort()).toEqual([`closed-${old}`, `rejected-${old}`]);
    expect([...city.tasks.keys()]).toEqual(['t-open']);
    expect(changes.ids.tasks).toEqual(['t-old']);
    expect(changes.reset).toBe(false);
    // The state it was given is untouched.
    expect(state.incidents.size).toBe(4);
  });

  it('drops cleared alarms raised before the window, as a fresh snapshot would not hold them, and keeps active and recent ones', () => {
    const alarm = (id: string, status: Alarm['status'], raisedAt: string): Alarm => ({ id, sensorId: 'S1', metric: 'water_level', level: 'alarm', status, value: 3, districtId: 'CA01', raisedAt, clearedAt: status === 'cleared' ? raisedAt : null, incidentId: null });
    const old = '2026-11-23T11:00:00.000Z';
    const recent = '2026-11-24T11:00:00.000Z';
    const state = fromSnapshot({ ...snapshot(), alarms: [alarm('old-cleared', 'cleared', old), alarm('old-active', 'raised', old), alarm('old-acked', 'acknowledged', old), alarm('recent-cleared', 'cleared', recent)] });
    const { city, changes } = pruneFinished(state, NOW);
    expect([...city.alarms.keys()].sort()).toEqual(['old-acked', 'old-active', 'recent-cleared']);
    expect(changes.ids.alarms).toEqual(['old-cleared']);
  });

  it('returns the same state when nothing is due, so no reader is woken', () => {
    const state = fromSnapshot({ ...snapshot(), incidents: [at('2026-11-24T11:00:00.000Z', 'closed')] });
    expect(pruneFinished(state, NOW).city).toBe(state);
  });
});
