import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { DEFAULT_PACE, MAX_YIELDED_FRAMES, SMOOTH_RENDER_MS, cameraDuration, nextCost, paceInterval, paceRenders } from './renderPacing.ts';

describe('render pacing', () => {
  it('keeps data-driven renders within their share of the time, between a floor and a ceiling', () => {
    // With a GPU a render costs a few ms: the floor.
    expect(paceInterval(3)).toBe(DEFAULT_PACE.minIntervalMs);
    // In software ~100 ms: renders may take 15% of the time, so one every ~667 ms.
    expect(paceInterval(100)).toBeCloseTo(100 / 0.15, 6);
    // A machine drowning: never slower than the ceiling, so the map still moves.
    expect(paceInterval(900)).toBe(DEFAULT_PACE.maxIntervalMs);
    expect(paceInterval(100, { budget: 0.5, minIntervalMs: 0, maxIntervalMs: 10_000 })).toBe(200);
  });

  it('estimates the cost from the first sample, then follows changes over a few renders', () => {
    let c = nextCost(null, 100);
    expect(c).toBe(100);
    for (let i = 0; i < 10; i += 1) c = nextCost(c, 20);
    expect(c).toBeLessThan(30);
    expect(c).toBeGreaterThan(20);
  });

  it('animates the camera where renders are fast, and cuts to the view where they are not', () => {
    // Nothing measured yet (the first view), or a GPU: the animation as asked.
    expect(cameraDuration(1500, null)).toBe(1500);
    expect(cameraDuration(1500, 8)).toBe(1500);
    expect(cameraDuration(600, SMOOTH_RENDER_MS)).toBe(600);
    // Software rendering (~100 ms a render): a flight would be a few stills; cut instead.
    expect(cameraDuration(1500, SMOOTH_RENDER_MS + 1)).toBe(0);
    expect(cameraDuration(600, 100)).toBe(0);
  });
});

/** Enough of a MapLibre map for the pacer: a still camera, and a count of its renders. */
function stillMap() {
  const map = { renders: 0, isMoving: () => false, repaint: false, on: () => map, off: () => map, triggerRepaint: () => undefined, redraw: () => void (map.renders += 1) };
  return map;
}

/** Animation frames the test runs one at a time, each with its own timestamp. */
function manualFrames() {
  let queued: FrameRequestCallback[] = [];
  let now = 0;
  vi.stubGlobal('requestAnimationFrame', (fn: FrameRequestCallback) => queued.push(fn));
  vi.stubGlobal('cancelAnimationFrame', () => undefined);
  // The pacer's clock: its first render may wait for the pace's floor.
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] });
  return {
    frame() {
      now += 16;
      const run = queued;
      queued = [];
      for (const fn of run) fn(now);
      return now;
    },
  };
}

describe('paced renders and incident changes', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('keeps a data-driven render out of a frame that paints incident changes', () => {
    const frames = manualFrames();
    const map = stillMap();
    const busyFrames = new Set([16]);
    paceRenders(map as unknown as MapLibreMap, (frame) => busyFrames.has(frame));
    map.triggerRepaint();
    vi.advanceTimersByTime(DEFAULT_PACE.maxIntervalMs);
    frames.frame();
    expect(map.renders).toBe(0);
    frames.frame();
    expect(map.renders).toBe(1);
  });

  it('gives way only so many frames in a row, so a busy feed cannot freeze the map', () => {
    const frames = manualFrames();
    const map = stillMap();
    paceRenders(map as unknown as MapLibreMap, () => true);
    map.triggerRepaint();
    vi.advanceTimersByTime(DEFAULT_PACE.maxIntervalMs);
    for (let k = 0; k < MAX_YIELDED_FRAMES; k += 1) frames.frame();
    expect(map.renders).toBe(0);
    frames.frame();
    expect(map.renders).toBe(1);
  });
});
