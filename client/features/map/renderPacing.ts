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
// And a map whose renders prove too slow to animate draws at three quarters of the resolution:
// in software both the drawing and the compositor's read-back scale with the pixels, and a wall
// seen from across the room loses less to the softer map than the feed loses to the wait.

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

/** The resolution, as a share of the screen's, at which a map too slow to animate draws. */
export const REDUCED_SCALE = 0.75;

/** Renders measured before the resolution may drop: the first ones carry the start's tile work. */
export const SCALE_SAMPLES = 8;

/** Pure: the share of the screen's resolution a map with this render cost should draw at. */
export function renderScale(renderCostMs: number): number {
  return renderCostMs > SMOOTH_RENDER_MS ? REDUCED_SCALE : 1;
}

/** Pure: a resolution pinned by the page's address (`?mapScale=1` keeps it full), or null to adapt. */
export function pinnedScale(search: string): number | null {
  const value = Number(new URLSearchParams(search).get('mapScale') ?? NaN);
  return value >= 0.25 && value <= 1 ? value : null;
}

/**
 * Pure: whether a live source's changes should go to the map's worker now. Each push re-clusters
 * the whole source off the main thread and sends its tiles back to be uploaded, and only the next
 * render shows it: where renders are paced apart (software GL, ~0.5 s), pushing on every tick
 * would pay for pictures nobody sees. So a push goes when the next render is within a tick — it
 * has that long to be ready — or when it has waited a whole render interval (a camera in flight
 * renders all the time, and the data must not wait for it to stop).
 */
export function pushDue(untilNextRenderMs: number, sinceLastPushMs: number, intervalMs: number, tickMs: number): boolean {
  return untilNextRenderMs <= tickMs || sinceLastPushMs >= intervalMs;
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
  /** The interval between data-driven renders at the measured render cost. */
  interval(): number;
  /** How long until the next data-driven render may go (≤ 0: it could go now). */
  untilNextRender(): number;
  stop(): void;
}

/**
 * `adaptScale`: lower the resolution when the measured render cost proves too slow to animate —
 * from the first renders, or later as the city fills up — and once only: a map that kept changing
 * its resolution would flicker, and the machine does not get faster.
 */
export function paceRenders(map: MapLibreMap, busy: BusyFrame = () => false, options: PaceOptions = DEFAULT_PACE, adaptScale = true): Pacing {
  const renderNow = map.triggerRepaint.bind(map);
  let lastRender = 0;
  let cost: number | null = null;
  let measured = 0;
  let scaled = !adaptScale;
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
      measured += 1;
      if (!scaled && measured >= SCALE_SAMPLES && renderScale(cost) < 1) {
        scaled = true;
        map.setPixelRatio(map.getPixelRatio() * renderScale(cost));
      }
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
    const wait = pacing.untilNextRender();
    if (wait <= 0) return renderInQuietFrame();
    timer = setTimeout(() => {
      timer = null;
      renderInQuietFrame();
    }, wait);
  };
  const pacing: Pacing = {
    hurry() {
      hurriedUntil = performance.now() + HURRY_MS;
      immediately();
    },
    cameraDuration(durationMs) {
      return cameraDuration(durationMs, cost);
    },
    interval() {
      return paceInterval(cost ?? 0, options);
    },
    untilNextRender() {
      return lastRender + paceInterval(cost ?? 0, options) - performance.now();
    },
    stop() {
      cancel();
      map.off('render', onRender);
      map.off('movestart', immediately);
      map.off('resize', immediately);
      map.triggerRepaint = renderNow;
    },
  };
  return pacing;
}
