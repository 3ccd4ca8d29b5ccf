// What every map on a page shares: MapLibre's worker, the pmtiles protocol (registered once for
// the page's life) and the city's style, fetched once.

import { addProtocol, setWorkerUrl, type StyleSpecification } from 'maplibre-gl';
import { Protocol } from 'pmtiles';
// MapLibre 6 computes its worker's URL at run time, which a bundler cannot follow: let Vite bundle
// the worker (with its shared chunk) and say where it went.
import maplibreWorkerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?worker&url';

let ready = false;
let style: Promise<StyleSpecification> | null = null;

export function ensureMapSetup(): void {
  if (ready) return;
  ready = true;
  setWorkerUrl(maplibreWorkerUrl);
  addProtocol('pmtiles', new Protocol().tile);
}

/** Make the style's root-relative pmtiles URL absolute: tiles are fetched outside the page's base. */
export function absoluteTiles(spec: StyleSpecification, origin: string): StyleSpecification {
  for (const source of Object.values(spec.sources)) {
    if ('url' in source && typeof source.url === 'string' && source.url.startsWith('pmtiles:///')) {
      source.url = `pmtiles://${origin}${source.url.slice('pmtiles://'.length)}`;
    }
  }
  return spec;
}

/** A fresh copy of the city's style for each map (MapLibre may keep and change what it is given). */
export async function cityStyle(): Promise<StyleSpecification> {
  style ??= fetch('/api/map/style.json', { credentials: 'same-origin' })
    .then((r) => r.json() as Promise<StyleSpecification>)
    .then((s) => absoluteTiles(s, location.origin));
  return structuredClone(await style);
}
