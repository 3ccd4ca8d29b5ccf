// The card follows what it shows, though sensor readings are written into the entry the card
// picked (no new object for a selector to notice): rendered in a DOM, fed through the live bridge.

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventEmitter } from 'node:events';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { MapCard } from './MapCard.tsx';
import { select } from './screenMapStore.ts';
import { initialState, useAppStore } from '../../store/cityStore.ts';
import { LiveBridge, type LiveSocket } from '../../realtime/liveBridge.ts';
import type { SensorView, Snapshot } from '../../../shared/protocol/changes.ts';

const sensor = (id: string): SensorView => ({ id, kind: 'water_level', metric: 'water_level', unit: 'cm', location: [-87.6, 41.8], districtId: 'CA01', gridId: 'g', intervalSec: 60, rule: { direction: 'above', warn: 30, alarm: 50, clear: 25, dwellSec: 0 }, value: 12, at: '2026-11-22T08:00:00.000Z', online: true, level: 'normal' });
const snapshot: Snapshot = { protocolVersion: 1, seq: 0, incidents: [], tasks: [], units: [], sensors: [sensor('S1'), sensor('S2')], alarms: [], metrics: null };

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

describe('the map card of a sensor', () => {
  let root: Root;
  let host: HTMLElement;
  let serverSends: (event: string, payload: unknown) => void;

  beforeEach(() => {
    useAppStore.setState(initialState('en'), true);
    const emitter = new EventEmitter();
    serverSends = (event, payload) => emitter.emit(event, payload);
    const socket = { on: (event: string, fn: (...args: unknown[]) => void) => emitter.on(event, fn), timeout: () => ({ emit: () => undefined }), disconnect: () => undefined };
    // Each message is flushed at once: the test is the card's, not the frame pacing's.
    new LiveBridge(useAppStore, { schedule: (fn) => fn(performance.now()), now: () => Date.now() }).attach(socket as unknown as LiveSocket);
    host = document.createElement('div');
    document.body.append(host);
    root = createRoot(host);
  });
  afterEach(() => {
    act(() => root.unmount());
    host.remove();
    select(null);
  });

  const rows = () => Object.fromEntries([...host.querySelectorAll('.map-card__row')].map((row) => [row.querySelector('dt')!.textContent, row.querySelector('dd')!.textContent]));

  it('shows each new reading and level as it arrives, and ignores other sensors’ readings', () => {
    act(() => serverSends('snapshot', snapshot));
    act(() => select({ kind: 'sensor', id: 'S1' }));
    act(() => root.render(<MapCard />));
    expect(rows()).toMatchObject({ Reading: '12 cm', Level: 'Normal' });
    const entry = useAppStore.getState().city.sensors.get('S1');

    act(() => serverSends('changes', { fromSeq: 1, toSeq: 1, changes: [{ seq: 1, type: 'sensor', sensor: { id: 'S1', value: 55, at: '2026-11-22T08:01:00.000Z', online: true, level: 'alarm' } }] }));
    expect(rows()).toMatchObject({ Reading: '55 cm', Level: 'Alarm' });
    // The same entry, written in place: only what it shows told the card to render again.
    expect(useAppStore.getState().city.sensors.get('S1')).toBe(entry);

    act(() => serverSends('changes', { fromSeq: 2, toSeq: 2, changes: [{ seq: 2, type: 'sensor', sensor: { id: 'S1', value: 55, at: '2026-11-22T08:02:00.000Z', online: false, level: 'alarm' } }] }));
    expect(rows()).toMatchObject({ Reading: '55 cm', Online: 'No' });

    act(() => serverSends('changes', { fromSeq: 3, toSeq: 3, changes: [{ seq: 3, type: 'sensor', sensor: { id: 'S2', value: 99, at: '2026-11-22T08:03:00.000Z', online: true, level: 'alarm' } }] }));
    expect(rows()).toMatchObject({ Reading: '55 cm', Level: 'Alarm', Online: 'No' });
  });
});
