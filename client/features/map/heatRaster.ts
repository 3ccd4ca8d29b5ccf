// Pure: the 24 h heat as a picture over the city, drawn here every few seconds and shown by the
// map as one image. MapLibre's own heatmap layer redraws its density on every map frame; without
// a GPU that was ~40 ms of each ~100 ms render (measured), for a layer that changes every 10 s.
// Points are stamped with a Gaussian into a density grid in Web Mercator, then coloured through
// the same ramp the legend shows.

import { HEAT_RAMP } from './mapStyle.ts';

export interface HeatPoint {
  x: number;
  y: number;
  w: number;
}

export interface HeatGridSpec {
  /** [west, south, east, north], degrees. */
  bounds: [number, number, number, number];
  width: number;
  height: number;
  /** Kernel radius in grid pixels (the Gaussian is cut at 3σ). */
  radius: number;
  /** Density that reaches the top of the ramp. */
  saturation: number;
}

const mercY = (lat: number) => Math.log(Math.tan(Math.PI / 4 + (lat * Math.PI) / 360));

/** The grid height that keeps pixels square for a width, over the bounds (Mercator). */
export function squareHeight(bounds: HeatGridSpec['bounds'], width: number): number {
  const [w, s, e, n] = bounds;
  return Math.round((width * (mercY(n) - mercY(s))) / (((e - w) * Math.PI) / 180));
}

function kernel(radius: number): Float32Array {
  const size = radius * 2 + 1;
  const sigma = radius / 3;
  const k = new Float32Array(size * size);
  for (let dy = -radius; dy <= radius; dy += 1) {
    for (let dx = -radius; dx <= radius; dx += 1) k[(dy + radius) * size + dx + radius] = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
  }
  return k;
}

/** Density per grid pixel (row 0 is the north edge): each point's weight spread by the kernel. */
export function heatDensity(points: readonly HeatPoint[], spec: HeatGridSpec): Float32Array {
  const { width, height, radius } = spec;
  const [w, s, e, n] = spec.bounds;
  const top = mercY(n);
  const yScale = height / (top - mercY(s));
  const xScale = width / (e - w);
  const grid = new Float32Array(width * height);
  const k = kernel(radius);
  const size = radius * 2 + 1;
  for (const p of points) {
    const cx = Math.round((p.x - w) * xScale);
    const cy = Math.round((top - mercY(p.y)) * yScale);
    if (cx < -radius || cy < -radius || cx >= width + radius || cy >= height + radius) continue;
    for (let dy = -radius; dy <= radius; dy += 1) {
      const y = cy + dy;
      if (y < 0 || y >= height) continue;
      const row = y * width;
      const krow = (dy + radius) * size + radius;
      for (let dx = -radius; dx <= radius; dx += 1) {
        const x = cx + dx;
        if (x >= 0 && x < width) grid[row + x]! += p.w * k[krow + dx]!;
      }
    }
  }
  return grid;
}

/** 256 RGBA entries along the ramp, for density 0 → saturation. */
export function rampTable(ramp: readonly (readonly [number, [number, number, number, number]])[] = HEAT_RAMP): Uint8ClampedArray {
  const table = new Uint8ClampedArray(256 * 4);
  for (let i = 0; i < 256; i += 1) {
    const t = i / 255;
    let j = 0;
    while (j < ramp.length - 2 && t > ramp[j + 1]![0]) j += 1;
    const [t0, c0] = ramp[j]!;
    const [t1, c1] = ramp[j + 1]!;
    const f = t1 === t0 ? 1 : Math.min(1, Math.max(0, (t - t0) / (t1 - t0)));
    for (let c = 0; c < 4; c += 1) table[i * 4 + c] = Math.round(c0[c]! + (c1[c]! - c0[c]!) * f);
  }
  return table;
}

/** The density grid as RGBA pixels (straight alpha), ready for an ImageData. */
export function colorize(density: Float32Array, saturation: number, table: Uint8ClampedArray = rampTable()): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(density.length * 4);
  for (let i = 0; i < density.length; i += 1) {
    const v = density[i]!;
    if (v <= 0) continue;
    const idx = Math.min(255, Math.round((v / saturation) * 255)) * 4;
    out[i * 4] = table[idx]!;
    out[i * 4 + 1] = table[idx + 1]!;
    out[i * 4 + 2] = table[idx + 2]!;
    out[i * 4 + 3] = table[idx + 3]!;
  }
  return out;
}
