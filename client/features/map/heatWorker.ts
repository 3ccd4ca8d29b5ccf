// The heat picture is drawn off the page's main thread: stamping a few thousand Gaussians into
// the grid and colouring it took ~65 ms (measured on the wall's software-rendered PC), long
// enough to hold up the feed and the clocks every time the heat was redrawn.

import { colorize, heatDensity, type HeatGridSpec, type HeatPoint } from './heatRaster.ts';

export interface HeatJob {
  points: HeatPoint[];
  spec: HeatGridSpec;
}

export interface HeatPicture {
  pixels: Uint8ClampedArray<ArrayBuffer>;
  points: number;
}

self.onmessage = (event: MessageEvent<HeatJob>) => {
  const { points, spec } = event.data;
  const pixels = colorize(heatDensity(points, spec), spec.saturation);
  const picture: HeatPicture = { pixels, points: points.length };
  (self as unknown as Worker).postMessage(picture, [pixels.buffer]);
};
