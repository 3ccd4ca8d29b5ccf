// Without a GPU (the wall's PC often has none; browsers then draw WebGL in software), one render
// of the city map costs tens of milliseconds, and the page's main thread waits for it: the
// compositor reads each new map frame back before it can show the page. Live sources update
// several times a second and each tile they reload asks for another render, so unpaced the map
// would render at the frame rate and take the feed, the clocks and the charts down with it.
// So: while the camera is still, renders asked for by data are paced so that they take at most a
// share of the time (what arrived meanwhile is drawn together); a moving camera — a person's drag,
// the critical focus's flight — a resize, and what a person just asked for (a toggle, a selection:
// `hurry`) render at once as MapLibre normally does. With a
// GPU a render costs a few ms and the pace is the floor; in software it settles near a second.
// A paced render also stays out of an animation frame that paints incident changes (the feed's
// new rows): that frame would otherwise reach the screen only after the render, one render cost
// late. It goes to the next frame instead, a wait of a frame or two for a map that waits ~0.5 s.

import type { Map as MapLibreMap } from 'maplibre-gl';
import { recordSample } from '../perf/perfProbe.ts';

export interface PaceOptions {
  /** Share of the time data-driven renders may take (their measured cost sets the interval). */
  budget: number;
  minIntervalMs: number;
  maxIntervalMs: number;
}

export const DEFAULT_PACE: PaceOptions = { budget: 0.15, minIntervalMs: 250, maxIntervalMs: 2000 };

/** Pure: the interval between data-driven renders for a measured render cost. */
export function paceInterval(renderCostMs: number, o: PaceOptions = DEFAULT_PACE): number {
  return Math.min(o.maxIntervalMs, Math.max(o.minIntervalMs, renderCostMs / o.budget));
}

/** Pure: a running estimate of the render cost that follows change within a few renders. */
export function nextCost(estimate: number | null, sample: number): number {
  return estimate === null ? sample : estimate * 0.8 + sample * 0.2;
}

/**
 * A map whose renders take longer than two frames cannot animate its camera smoothly: a flight
 * would show as a handful of stills and hold the page's main thread for its whole length (each
 * step a full software render). Such a map cuts to the new view instead.
 */
export const SMOOTH_RENDER_MS = 34;

/** Pure: how long a camera animation of `durationMs` should take, given the measured render cost. */
export function cameraDuration(durationMs: number, renderCostMs: number | null): number {
  return renderCostMs !== null && renderCostMs > SMOOTH_RENDER_MS ? 0 : durationMs;
}

/** How long after a person acts the map renders at once (their change, and the tiles it loads). */
const HURRY_MS = 1000;

/** How many frames in a row a paced render gives way to incident changes before it goes anyway. */
export const MAX_YIELDED_FRAMES = 3;

/** Whether the animation frame with this timestamp paints something more urgent than the map. */
export type BusyFrame = (frame: number) => boolean;

export interface Pacing {
  /** A person changed what the map shows: render it now, not at the next slot. */
  hurry(): void;
  /** The duration a camera animation should have on this machine (0: cut to the view). */
  cameraDuration(durationMs: number): number;
  stop(): void;
}

export function paceRenders(map: MapLibreMap, busy: BusyFrame = () => false, options: PaceOptions = DEFAULT_PACE): Pacing {
  const renderNow = map.triggerRepaint.bind(map);
  let lastRender = 0;
  let cost: number | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let frame: number | null = null;
  let hurriedUntil = 0;
  const onRender = () => {
    const rendered = performance.now();
    lastRender = rendered;
    // The frame that shows this render ends when the compositor has it (in software: after the
    // read-back); the next animation frame's start is as close to that as a page can see.
    requestAnimationFrame(() => {
      const took = performance.now() - rendered;
      cost = nextCost(cost, took);
      recordSample('mapRender', took);
    });
  };
  const cancel = () => {
    if (timer) clearTimeout(timer);
    if (frame !== null) cancelAnimationFrame(frame);
    timer = null;
    frame = null;
  };
  const immediately = () => {
    cancel();
    renderNow();
  };
  // The render runs synchronously inside the frame found quiet: asked for with triggerRepaint, it
  // would land in the frame after, which nobody has checked.
  const renderInQuietFrame = (yielded = 0) => {
    frame = requestAnimationFrame((now) => {
      frame = null;
      if (yielded < MAX_YIELDED_FRAMES && busy(now)) return renderInQuietFrame(yielded + 1);
      map.redraw();
    });
  };
  map.on('render', onRender);
  map.on('movestart', immediately);
  map.on('resize', immediately);
  map.triggerRepaint = () => {
    if (map.isMoving() || map.repaint || performance.now() < hurriedUntil) return immediately();
    if (timer || frame !== null) return;
    const wait = lastRender + paceInterval(cost ?? 0, options) - performance.now();
    if (wait <= 0) return renderInQuietFrame();
    timer = setTimeout(() => {
      timer = null;
      renderInQuietFrame();
    }, wait);
  };
  return {
    hurry() {
      hurriedUntil = performance.now() + HURRY_MS;
      immediately();
    },
    cameraDuration(durationMs) {
      return cameraDuration(durationMs, cost);
    },
    stop() {
      cancel();
      map.off('render', onRender);
      map.off('movestart', immediately);
      map.off('resize', immediately);
      map.triggerRepaint = renderNow;
    },
  };
}
