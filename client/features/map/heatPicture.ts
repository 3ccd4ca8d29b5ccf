// The map's heat layer: a canvas the map shows as one image over the city, redrawn from the
// store's incidents by a worker. Redraws asked for while one is being drawn collapse into one.

import type { CanvasSource, Map as MapLibreMap } from 'maplibre-gl';
import { useAppStore } from '../../store/cityStore.ts';
import { heatPoints } from './mapData.ts';
import { squareHeight, type HeatGridSpec } from './heatRaster.ts';
import type { HeatJob, HeatPicture } from './heatWorker.ts';

/** The picture: the city and a margin, ~70 m a pixel, a kernel of ~1.2 km (as the layer had). */
export function heatGrid(cityBounds: [number, number, number, number]): HeatGridSpec {
  const bounds: HeatGridSpec['bounds'] = [cityBounds[0] - 0.05, cityBounds[1] - 0.04, cityBounds[2] + 0.05, cityBounds[3] + 0.04];
  return { bounds, width: 640, height: squareHeight(bounds, 640), radius: 18, saturation: 3 };
}

export interface HeatPainter {
  canvas: HTMLCanvasElement;
  /** Redraw from the store's incidents (the picture follows when the worker has drawn it). */
  paint(): void;
  stop(): void;
}

/** `onPainted` hears how many heat points the picture now on the map was drawn from. */
export function heatPainter(map: MapLibreMap, grid: HeatGridSpec, onPainted: (points: number) => void): HeatPainter {
  const canvas = document.createElement('canvas');
  canvas.width = grid.width;
  canvas.height = grid.height;
  const worker = new Worker(new URL('./heatWorker.ts', import.meta.url), { type: 'module' });
  let drawing = false;
  let again = false;
  const paint = () => {
    if (drawing) {
      again = true;
      return;
    }
    drawing = true;
    const job: HeatJob = { points: heatPoints(useAppStore.getState().city.incidents, Date.now()), spec: grid };
    worker.postMessage(job);
  };
  worker.onmessage = (event: MessageEvent<HeatPicture>) => {
    canvas.getContext('2d')!.putImageData(new ImageData(event.data.pixels, grid.width, grid.height), 0, 0);
    const source = map.getSource<CanvasSource>('heat');
    // A still canvas source uploads its picture when paused after play.
    source?.play();
    source?.pause();
    onPainted(event.data.points);
    drawing = false;
    if (again) {
      again = false;
      paint();
    }
  };
  // A drawing that failed must not stop the heat for good (a wall runs for days): the next
  // paint (at most 10 s away) tries again.
  worker.onerror = () => {
    drawing = false;
    again = false;
  };
  return { canvas, paint, stop: () => worker.terminate() };
}
