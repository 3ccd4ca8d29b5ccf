// The big screen's own view state: which layers show, the time window, the open card. Kept apart
// from the city store: it changes on a person's click, never with the data.

import { create } from 'zustand';
import type { TimeWindow } from './mapData.ts';

export const MAP_LAYERS = ['districts', 'grids', 'incidents', 'heat', 'sensors', 'units'] as const;
export type MapLayer = (typeof MAP_LAYERS)[number];
export type DistrictShading = 'open' | 'risk';

/** What a card shows: one thing on the map, by kind and id. */
export type Selection =
  | { kind: 'incident'; id: string; focus?: boolean }
  | { kind: 'sensor'; id: string }
  | { kind: 'unit'; id: string }
  | { kind: 'district'; id: string };

export interface ScreenMapState {
  layers: Record<MapLayer, boolean>;
  shading: DistrictShading;
  timeWindow: TimeWindow;
  selected: Selection | null;
}

export function initialScreenMap(search = ''): ScreenMapState {
  const params = new URLSearchParams(search);
  const window = params.get('window');
  const off = new Set((params.get('hide') ?? '').split(','));
  return {
    layers: Object.fromEntries(MAP_LAYERS.map((l) => [l, !off.has(l)])) as Record<MapLayer, boolean>,
    shading: params.get('shading') === 'risk' ? 'risk' : 'open',
    timeWindow: window === '1h' || window === '6h' ? window : '24h',
    selected: null,
  };
}

export const useScreenMap = create<ScreenMapState>(() => initialScreenMap(typeof location === 'undefined' ? '' : location.search));

/**
 * Whether a change of view is the critical focus's own step — opening the card of the incident
 * the camera goes to, or closing it on the way back — rather than a person's. The map draws a
 * person's change at once (`Pacing.hurry`); the focus's camera cut is drawn at once anyway, and
 * the tiles that follow it are paced like any data: hurried, each tile of the new view was a
 * full render in a row, a second or more of a software-drawn map holding the page, the feed
 * and the socket. (A person closing the focus card is taken for the focus: the card goes at
 * once, the map's highlight with the next paced render.)
 */
export function isFocusStep(next: ScreenMapState, previous: ScreenMapState): boolean {
  if (next.layers !== previous.layers || next.shading !== previous.shading || next.timeWindow !== previous.timeWindow) return false;
  const byFocus = (s: Selection | null) => s?.kind === 'incident' && s.focus === true;
  return byFocus(next.selected) || (byFocus(previous.selected) && next.selected === null);
}

export function toggleLayer(layer: MapLayer): void {
  useScreenMap.setState((s) => ({ layers: { ...s.layers, [layer]: !s.layers[layer] } }));
}

export function setShading(shading: DistrictShading): void {
  useScreenMap.setState({ shading });
}

export function setTimeWindow(timeWindow: TimeWindow): void {
  useScreenMap.setState({ timeWindow });
}

export function select(selected: Selection | null): void {
  useScreenMap.setState({ selected });
}
