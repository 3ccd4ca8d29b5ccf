import { describe, expect, it } from 'vitest';
import { applyBatch, applyChange, applyDelta, batchDelta, emptyCity, fromSnapshot, type CityState } from './cityReducer.ts';
import { openIncident } from './incidentFactory.ts';
import type { Change, Snapshot } from '../protocol/changes.ts';
import type { Incident, IncidentStatus } from './types.ts';

function inc(id: string, status: IncidentStatus = 'new', version = 1): Incident {
  return {
    ...openIncident({ id, codePrefix: 'GD', source: 'patrol', text: id, category: null, severity: 'low', location: [0, 0], address: null, placement: null, now: '2026-11-22T00:00:00.000Z' }),
    status,
    version,
  };
}

/**
 * A one-line scenario language: "i:a:new i:b:new i:a:triaged s:S1:40 m" → changes with seq 1..n.
 * i:<id>:<status> an incident change, s:<sensor>:<value> sensor telemetry, m metrics.
 */
function script(line: string, firstSeq = 1): Change[] {
  return line.split(/\s+/).map((token, k): Change => {
    const seq = firstSeq + k;
    const [kind, a = '', b = ''] = token.split(':');
    if (kind === 'i') return { seq, type: 'incident', incident: inc(a, b as IncidentStatus, seq) };
    if (kind === 's') return { seq, type: 'sensor', sensor: { id: a, value: Number(b), at: 't', online: true, level: 'normal' } };
    return { seq, type: 'metrics', metrics: { at: 't', openIncidents: seq } as never };
  });
}

const snapshot: Snapshot = {
  protocolVersion: 1,
  seq: 0,
  incidents: [],
  tasks: [],
  units: [],
  sensors: [{ id: 'S1', kind: 'water_level', metric: 'water_level', unit: 'cm', location: [0, 0], districtId: 'CA01', gridId: 'g', intervalSec: 60, rule: { direction: 'above', warn: 1, alarm: 2, clear: 1, dwellSec: 0 }, value: null, at: null, online: false, level: 'normal' }],
  alarms: [],
  metrics: null,
};

describe('applyBatch', () => {
  it('a batch equals its changes applied one by one', () => {
    const changes = script('i:a:new i:b:new s:S1:40 i:a:triaged s:S1:41 m i:c:new i:b:dispatched');
    const start = fromSnapshot(snapshot);
    const batched = applyBatch(start, { fromSeq: 1, toSeq: changes.length, changes });
    const oneByOne = changes.reduce<CityState>((state, change) => applyChange(state, change), start);
    expect(batched.kind).toBe('applied');
    expect(batched.state).toEqual(oneByOne);
    expect(oneByOne.incidents.get('a')?.status).toBe('triaged');
    expect(oneByOne.sensors.get('S1')?.value).toBe(41);
    expect(oneByOne.seq).toBe(8);
  });

  it('does not mutate the state it was given', () => {
    const start = fromSnapshot(snapshot);
    const frozen = JSON.stringify(start);
    applyBatch(start, { fromSeq: 1, toSeq: 2, changes: script('i:a:new s:S1:3') });
    expect(JSON.stringify(start)).toBe(frozen);
  });

  it('reports a gap instead of applying past a hole', () => {
    const state = applyBatch(emptyCity(), { fromSeq: 1, toSeq: 2, changes: script('i:a:new i:b:new') }).state;
    const outcome = applyBatch(state, { fromSeq: 5, toSeq: 5, changes: script('i:c:new', 5) });
    expect(outcome).toMatchObject({ kind: 'gap', expectedFrom: 3 });
    expect(outcome.state).toBe(state);
  });

  it('skips facts it already holds, so a resend is harmless', () => {
    const state = applyBatch(emptyCity(), { fromSeq: 1, toSeq: 2, changes: script('i:a:new i:a:triaged') }).state;
    const again = applyBatch(state, { fromSeq: 1, toSeq: 3, changes: script('i:a:new i:a:triaged i:a:dispatched') });
    expect(again.state.incidents.get('a')?.status).toBe('dispatched');
    expect(again.state.seq).toBe(3);
    expect(applyBatch(again.state, { fromSeq: 1, toSeq: 2, changes: script('i:a:new i:a:triaged') }).kind).toBe('stale');
  });

  it('an empty batch still moves the cursor (changes this screen may not see)', () => {
    const outcome = applyBatch(emptyCity(), { fromSeq: 1, toSeq: 9, changes: [] });
    expect(outcome.state.seq).toBe(9);
  });

  it('leaves unchanged entries, and tables the batch does not touch, as the same objects', () => {
    const start = applyBatch(fromSnapshot(snapshot), { fromSeq: 1, toSeq: 2, changes: script('i:a:new i:b:new') }).state;
    const next = applyBatch(start, { fromSeq: 3, toSeq: 4, changes: script('i:a:triaged s:S1:7', 3) }).state;
    expect(next.incidents).not.toBe(start.incidents);
    expect(next.incidents.get('b')).toBe(start.incidents.get('b'));
    expect(next.incidents.get('a')).not.toBe(start.incidents.get('a'));
    expect(next.sensors.get('S1')?.value).toBe(7);
    expect(next.tasks).toBe(start.tasks);
    expect(next.units).toBe(start.units);
    expect(next.alarms).toBe(start.alarms);
  });

  it('a delta names each changed id once, the last write winning, and reads without writing', () => {
    const start = fromSnapshot(snapshot);
    const frozen = JSON.stringify(start);
    const outcome = batchDelta(start, { fromSeq: 1, toSeq: 4, changes: script('i:a:new s:S1:3 i:a:triaged s:S1:4 s:UNKNOWN:1') });
    expect(JSON.stringify(start)).toBe(frozen);
    if (outcome.kind !== 'applied') throw new Error(outcome.kind);
    expect([...outcome.delta.incidents.keys()]).toEqual(['a']);
    expect(outcome.delta.incidents.get('a')?.status).toBe('triaged');
    expect([...outcome.delta.sensors.keys()]).toEqual(['S1']);
    expect(outcome.delta.sensors.get('S1')).toMatchObject({ value: 4, kind: 'water_level' });
    expect(applyDelta(start, outcome.delta)).toEqual(applyBatch(start, { fromSeq: 1, toSeq: 4, changes: script('i:a:new s:S1:3 i:a:triaged s:S1:4 s:UNKNOWN:1') }).state);
  });
});
