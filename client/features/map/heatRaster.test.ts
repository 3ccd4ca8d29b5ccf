import { describe, expect, it } from 'vitest';
import { colorize, heatDensity, rampTable, squareHeight, type HeatGridSpec } from './heatRaster.ts';
import { HEAT_RAMP } from './mapStyle.ts';

const spec: HeatGridSpec = { bounds: [-88, 41.6, -87.5, 42.1], width: 100, height: squareHeight([-88, 41.6, -87.5, 42.1], 100), radius: 4, saturation: 2 };
const at = (g: Float32Array, x: number, y: number) => g[y * spec.width + x]!;

describe('heat raster', () => {
  it('keeps pixels square in Mercator: taller than wide at this latitude for equal degrees', () => {
    // 0.5° of latitude near 41.85° N spans 1/cos(41.85°) ≈ 1.34 times the map distance of 0.5° of longitude.
    expect(spec.height).toBe(134);
  });

  it('puts a point where it is, weighted, fading with distance, and nothing far away', () => {
    // The centre of the bounds in Mercator is a little north of the mean latitude.
    const g = heatDensity([{ x: -87.75, y: 41.8515, w: 2 }], spec);
    let peak = 0;
    let px = -1;
    let py = -1;
    for (let y = 0; y < spec.height; y += 1) for (let x = 0; x < spec.width; x += 1) if (at(g, x, y) > peak) [peak, px, py] = [at(g, x, y), x, y];
    expect(peak).toBeCloseTo(2, 6);
    expect(px).toBe(50);
    expect(Math.abs(py - spec.height / 2)).toBeLessThanOrEqual(1);
    expect(at(g, px + 2, py)).toBeLessThan(peak);
    expect(at(g, px + 2, py)).toBeGreaterThan(0);
    expect(at(g, px + 5, py)).toBe(0);
    expect(at(g, 0, 0)).toBe(0);
  });

  it('adds overlapping points up, and ignores points far outside', () => {
    const one = heatDensity([{ x: -87.75, y: 41.85, w: 1 }], spec);
    const two = heatDensity([{ x: -87.75, y: 41.85, w: 1 }, { x: -87.75, y: 41.85, w: 1 }, { x: -80, y: 30, w: 5 }], spec);
    const sum = (g: Float32Array) => g.reduce((a, b) => a + b, 0);
    expect(sum(two)).toBeCloseTo(sum(one) * 2, 3);
  });

  it('colours through the ramp: empty stays transparent, saturation reaches the top colour', () => {
    const table = rampTable();
    expect([...table.slice(0, 4)]).toEqual(HEAT_RAMP[0]![1]);
    expect([...table.slice(255 * 4)]).toEqual(HEAT_RAMP.at(-1)![1]);
    const px = colorize(new Float32Array([0, 1, 2, 50]), 2, table);
    expect([...px.slice(0, 4)]).toEqual([0, 0, 0, 0]);
    // Half-way up the ramp lies between the yellow (0.45) and orange (0.7) stops.
    expect(px[4 + 3]).toBe(255);
    expect(px[4]).toBeGreaterThanOrEqual(250);
    expect(px[5]).toBeLessThan(219);
    expect(px[5]).toBeGreaterThan(159);
    expect([...px.slice(8, 12)]).toEqual([...px.slice(12, 16)]);
    expect([...px.slice(8, 12)]).toEqual(HEAT_RAMP.at(-1)![1]);
  });
});
