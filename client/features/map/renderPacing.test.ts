import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Map as MapLibreMap } from 'maplibre-gl';
import { DEFAULT_PACE, MAX_YIELDED_FRAMES, REDUCED_SCALE, SCALE_SAMPLES, SMOOTH_RENDER_MS, cameraDuration, nextCost, paceInterval, paceRenders, pinnedScale, pushDue, renderScale } from './renderPacing.ts';

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

  it('sends live changes to the worker once per paced render, in time for it', () => {
    const tick = 250;
    // Renders ~460 ms apart (software GL): the tick right after a render waits, the one before the next goes.
    expect(pushDue(410, 50, 460, tick)).toBe(false);
    expect(pushDue(160, 300, 460, tick)).toBe(true);
    // A map that has not rendered for a while (nothing changed): at once.
    expect(pushDue(-5000, 5000, 460, tick)).toBe(true);
    // A camera in flight renders every frame, so the next slot keeps moving away: the data goes
    // once it has waited a whole interval rather than until the camera stops.
    expect(pushDue(440, 200, 460, tick)).toBe(false);
    expect(pushDue(440, 460, 460, tick)).toBe(true);
    // With a GPU the interval is the tick's floor: every tick.
    expect(pushDue(250, 250, 250, tick)).toBe(true);
  });

  it('draws at a reduced resolution where renders are too slow to animate, and at full resolution elsewhere', () => {
    expect(renderScale(8)).toBe(1);
    expect(renderScale(SMOOTH_RENDER_MS)).toBe(1);
    expect(renderScale(SMOOTH_RENDER_MS + 1)).toBe(REDUCED_SCALE);
    expect(REDUCED_SCALE).toBeLessThan(1);
  });

  it('takes a resolution pinned in the address, and adapts when none or a senseless one is given', () => {
    expect(pinnedScale('?mapScale=1')).toBe(1);
    expect(pinnedScale('?hide=heat&mapScale=0.5')).toBe(0.5);
    expect(pinnedScale('')).toBeNull();
    expect(pinnedScale('?mapScale=0')).toBeNull();
    expect(pinnedScale('?mapScale=2')).toBeNull();
    expect(pinnedScale('?mapScale=sharp')).toBeNull();
  });
});

/** Enough of a MapLibre map for the pacer: a still camera, its render events, its resolution. */
function stillMap() {
  const handlers = new Map<string, () => void>();
  const map = {
    renders: 0,
    pixelRatio: 2,
    isMoving: () => false,
    repaint: false,
    on: (type: string, fn: () => void) => (handlers.set(type, fn), map),
    off: () => map,
    triggerRepaint: () => undefined,
    redraw: () => void (map.renders += 1),
    getPixelRatio: () => map.pixelRatio,
    setPixelRatio: (ratio: number) => void (map.pixelRatio = ratio),
    /** MapLibre's 'render' event, as after a render the compositor then took `costMs` to show. */
    rendered(costMs: number, frames: { frame(): number }) {
      handlers.get('render')?.();
      vi.advanceTimersByTime(costMs);
      frames.frame();
    },
  };
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

describe('the map resolution chosen from measured renders', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  it('lowers the resolution once, when the first renders prove slow', () => {
    const frames = manualFrames();
    const map = stillMap();
    paceRenders(map as unknown as MapLibreMap);
    for (let k = 0; k < SCALE_SAMPLES - 1; k += 1) map.rendered(120, frames);
    expect(map.pixelRatio).toBe(2);
    map.rendered(120, frames);
    expect(map.pixelRatio).toBe(2 * REDUCED_SCALE);
    for (let k = 0; k < SCALE_SAMPLES * 2; k += 1) map.rendered(120, frames);
    expect(map.pixelRatio).toBe(2 * REDUCED_SCALE);
  });

  it('lowers it later if renders become slow (the city fills up), and still only once', () => {
    const frames = manualFrames();
    const map = stillMap();
    paceRenders(map as unknown as MapLibreMap);
    for (let k = 0; k < SCALE_SAMPLES * 2; k += 1) map.rendered(10, frames);
    expect(map.pixelRatio).toBe(2);
    for (let k = 0; k < SCALE_SAMPLES && map.pixelRatio === 2; k += 1) map.rendered(200, frames);
    expect(map.pixelRatio).toBe(2 * REDUCED_SCALE);
    for (let k = 0; k < SCALE_SAMPLES * 2; k += 1) map.rendered(200, frames);
    expect(map.pixelRatio).toBe(2 * REDUCED_SCALE);
  });

  it('keeps full resolution where renders are fast, or where the address pins it', () => {
    const frames = manualFrames();
    const fast = stillMap();
    paceRenders(fast as unknown as MapLibreMap);
    for (let k = 0; k < SCALE_SAMPLES * 2; k += 1) fast.rendered(6, frames);
    expect(fast.pixelRatio).toBe(2);
    const pinned = stillMap();
    paceRenders(pinned as unknown as MapLibreMap, () => false, DEFAULT_PACE, false);
    for (let k = 0; k < SCALE_SAMPLES * 2; k += 1) pinned.rendered(120, frames);
    expect(pinned.pixelRatio).toBe(2);
  });
});
