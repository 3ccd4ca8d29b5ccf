// C1's store flush, in Node without a browser: one flush of a 2,000-event batch (sensor readings
// and one patrol report in 400, the client bench's mix) into a city of 10k incidents and 20k
// sensors. Side by side in the same run: the store's commit (`storeDelta` + `commitDelta`: fact
// tables copied only when their kind changes, sensor readings written into their entries) and the old path
// (the pure `applyBatch`, which copies every table the batch touches). Each is also timed with a
// readings-only batch, which is most flushes at 2,000 events/s.

import { applyBatch, fromSnapshot, type CityState } from '../shared/domain/cityReducer.ts';
import { openIncident } from '../shared/domain/incidentFactory.ts';
import type { Change, ChangeBatch, SensorView, Snapshot } from '../shared/protocol/changes.ts';
import { commitDelta, noChanges, storeDelta } from '../client/store/commitDelta.ts';

export interface ReducerBenchOptions {
  incidents: number;
  sensors: number;
  batchSize: number;
  rounds: number;
}

interface Timing {
  p50: number;
  p95: number;
  mean: number;
}

function timing(values: number[]): Timing {
  const s = [...values].sort((a, b) => a - b);
  return { p50: s[Math.floor(s.length * 0.5)]!, p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))]!, mean: s.reduce((a, b) => a + b, 0) / s.length };
}

const NOW = '2026-11-22T08:00:00.000Z';

function city(incidents: number, sensors: number): CityState {
  const snapshot: Snapshot = {
    protocolVersion: 1,
    seq: 1_000_000,
    incidents: Array.from({ length: incidents }, (_, k) => ({
      ...openIncident({ id: `INC-${k}`, codePrefix: 'GD', source: 'patrol', text: `report ${k}`, category: 'municipal.drainage.waterlogging', severity: 'medium', location: [-87.6 + (k % 100) * 0.001, 41.8 + Math.floor(k / 100) * 0.001], address: null, placement: null, now: NOW }),
      districtId: `CA${String((k % 77) + 1).padStart(2, '0')}`,
    })),
    tasks: [],
    units: [],
    sensors: Array.from({ length: sensors }, (_, k): SensorView => ({ id: `S-${k}`, kind: 'water_level', metric: 'water_level', unit: 'cm', location: [-87.6, 41.8], districtId: 'CA01', gridId: 'g', intervalSec: 60, rule: { direction: 'above', warn: 30, alarm: 50, clear: 25, dwellSec: 0 }, value: 10, at: NOW, online: true, level: 'normal' })),
    alarms: [],
    metrics: null,
  };
  return fromSnapshot(snapshot);
}

function batch(state: CityState, size: number, sensors: number, withReports: boolean, round: number): ChangeBatch {
  const seq = state.seq + 1;
  const changes: Change[] = [];
  for (let k = 0; k < size; k += 1) {
    if (withReports && k % 400 === 399) {
      const id = `INC-${(round * 7919 + k) % 10_000}`;
      changes.push({ seq, type: 'incident', incident: { ...state.incidents.get(id)!, status: 'triaged', version: round + 2 } });
    } else {
      changes.push({ seq, type: 'sensor', sensor: { id: `S-${(round * 104_729 + k * 13) % sensors}`, value: (k % 30) + round, at: NOW, online: true, level: 'normal' } });
    }
  }
  return { fromSeq: seq, toSeq: seq, changes };
}

function time(fn: () => void): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}

export async function reducerBench(options: ReducerBenchOptions) {
  const state = city(options.incidents, options.sensors);
  // The store's copy: commitDelta writes readings into it.
  let store = city(options.incidents, options.sensors);
  const samples = { oldMixed: [] as number[], newMixed: [] as number[], oldReadings: [] as number[], newReadings: [] as number[] };
  for (let round = 0; round < options.rounds + 5; round += 1) {
    const mixed = batch(state, options.batchSize, options.sensors, true, round);
    const readings = batch(state, options.batchSize, options.sensors, false, round);
    // Interleaved, so the machine's load falls on both alike; the first rounds warm the JIT.
    const t = {
      oldMixed: time(() => applyBatch(state, mixed)),
      newMixed: time(() => {
        const changes = noChanges();
        const outcome = storeDelta(store, mixed, changes);
        if (outcome.kind === 'applied') store = commitDelta(store, outcome.delta, changes);
      }),
      oldReadings: time(() => applyBatch(state, readings)),
      newReadings: time(() => {
        const changes = noChanges();
        const outcome = storeDelta(store, readings, changes);
        if (outcome.kind === 'applied') store = commitDelta(store, outcome.delta, changes);
      }),
    };
    // Keep the store's seq where the batches expect it.
    store = { ...store, seq: state.seq };
    if (round >= 5) for (const key of Object.keys(t) as (keyof typeof t)[]) samples[key].push(t[key]);
  }
  return {
    ...options,
    mixed: { old: timing(samples.oldMixed), new: timing(samples.newMixed) },
    readingsOnly: { old: timing(samples.oldReadings), new: timing(samples.newReadings) },
  };
}
