import { describe, expect, it } from 'vitest';
import { DEFAULT_PACE, SMOOTH_RENDER_MS, cameraDuration, nextCost, paceInterval } from './renderPacing.ts';

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
