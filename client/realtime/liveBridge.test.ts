import { describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { LiveBridge, applyBuffered, type LiveSocket, type Scheduler } from './liveBridge.ts';
import { initialState, type AppState } from '../store/cityStore.ts';
import { openIncident } from '../../shared/domain/incidentFactory.ts';
import type { Change, ChangeBatch, Snapshot } from '../../shared/protocol/changes.ts';
import { emptyCity } from '../../shared/domain/cityReducer.ts';

function incidentChange(seq: number, id = `i${seq}`): Change {
  const incident = openIncident({ id, codePrefix: 'GD', source: 'patrol', text: id, category: null, severity: 'high', location: [-87.6, 41.8], address: null, placement: null, now: '2026-11-22T08:00:00.000Z' });
  return { seq, type: 'incident', incident };
}
const batch = (from: number, to: number): ChangeBatch => ({ fromSeq: from, toSeq: to, changes: Array.from({ length: to - from + 1 }, (_, k) => incidentChange(from + k)) });
const snapshot: Snapshot = { protocolVersion: 1, seq: 0, incidents: [], tasks: [], units: [], sensors: [], alarms: [], metrics: null };

/** A store with a counter of how many times it was written. */
function countingStore() {
  let state: AppState = initialState('en');
  const store = {
    writes: 0,
    getState: () => state,
    setState: (partial: Partial<AppState>) => {
      store.writes += 1;
      state = { ...state, ...partial };
    },
  };
  return store;
}

/** A scheduler that runs the frame callback only when the test says a frame happened. */
function manualFrames(): Scheduler & { frame(): void; current: number } {
  let queued: ((frame: number) => void)[] = [];
  const frames = {
    current: 0,
    schedule: (fn: (frame: number) => void) => void queued.push(fn),
    now: () => 1_000,
    frame() {
      frames.current += 1;
      const run = queued;
      queued = [];
      for (const fn of run) fn(frames.current);
    },
  };
  return frames;
}

/** Enough of a socket for the bridge: events from the "server", and a record of what it sent. */
function fakeSocket() {
  const emitter = new EventEmitter();
  const sent: { event: string; args: unknown[] }[] = [];
  const socket = {
    on: (event: string, fn: (...args: unknown[]) => void) => emitter.on(event, fn),
    timeout: () => ({ emit: (event: string, ...args: unknown[]) => sent.push({ event, args }) }),
    disconnect: () => undefined,
  };
  return { socket: socket as unknown as LiveSocket, serverSends: (event: string, payload: unknown) => emitter.emit(event, payload), sent };
}

describe('LiveBridge', () => {
  it('buffers many messages and writes the store once per frame', () => {
    const store = countingStore();
    const frames = manualFrames();
    const bridge = new LiveBridge(store, frames);
    const { socket, serverSends } = fakeSocket();
    bridge.attach(socket);
    serverSends('snapshot', snapshot);
    for (let k = 1; k <= 100; k += 1) serverSends('changes', batch(k, k));
    expect(store.writes).toBe(0);
    frames.frame();
    expect(store.writes).toBe(1);
    expect([...store.getState().city.incidents.keys()]).toHaveLength(100);
    expect(store.getState().city.seq).toBe(100);
    expect(store.getState().feed[0]?.incidentId).toBe('i100');
  });

  it('asks to resume exactly once when a gap appears, and applies nothing past it', () => {
    const store = countingStore();
    const frames = manualFrames();
    const bridge = new LiveBridge(store, frames);
    const { socket, serverSends, sent } = fakeSocket();
    bridge.attach(socket);
    serverSends('snapshot', snapshot);
    serverSends('changes', batch(1, 2));
    serverSends('changes', batch(5, 6));
    serverSends('changes', batch(7, 7));
    frames.frame();
    expect(store.getState().city.seq).toBe(2);
    expect(sent).toEqual([{ event: 'resume', args: [{ lastSeq: 2 }, expect.any(Function)] }]);
    serverSends('changes', batch(8, 8));
    frames.frame();
    expect(sent).toHaveLength(1);
  });

  it('names the frames that show incident changes, so a slow map render can keep out of them', () => {
    const frames = manualFrames();
    const bridge = new LiveBridge(countingStore(), frames);
    const { socket, serverSends } = fakeSocket();
    bridge.attach(socket);
    serverSends('snapshot', snapshot);
    // Buffered: whatever frame comes next paints them.
    expect(bridge.showsIncidentChanges(frames.current + 1)).toBe(true);
    frames.frame();
    expect(bridge.showsIncidentChanges(frames.current)).toBe(true);
    frames.frame();
    expect(bridge.showsIncidentChanges(frames.current)).toBe(false);
    // Figures alone are not what the feed shows.
    serverSends('changes', { fromSeq: 1, toSeq: 1, changes: [{ seq: 1, type: 'metrics', metrics: snapshot.metrics as never }] });
    expect(bridge.showsIncidentChanges(frames.current + 1)).toBe(false);
    frames.frame();
    expect(bridge.showsIncidentChanges(frames.current)).toBe(false);
    serverSends('changes', batch(2, 2));
    expect(bridge.showsIncidentChanges(frames.current + 1)).toBe(true);
    frames.frame();
    expect(bridge.showsIncidentChanges(frames.current)).toBe(true);
  });

  it('shows the connection as reconnecting from the time data stopped', () => {
    const store = countingStore();
    const frames = manualFrames();
    const bridge = new LiveBridge(store, frames);
    const { socket, serverSends } = fakeSocket();
    bridge.attach(socket);
    serverSends('snapshot', snapshot);
    frames.frame();
    serverSends('disconnect', 'transport close');
    expect(store.getState().connection).toMatchObject({ state: 'reconnecting', disconnectedAt: 1_000 });
  });
});

describe('applyBuffered', () => {
  it('a snapshot after a gap starts afresh', () => {
    const out = applyBuffered(emptyCity(), [], [{ kind: 'batch', batch: batch(3, 3) }, { kind: 'snapshot', snapshot: { ...snapshot, seq: 10 } }, { kind: 'batch', batch: batch(11, 11) }]);
    expect(out.gapFrom).toBeNull();
    expect(out.city.seq).toBe(11);
  });
});
