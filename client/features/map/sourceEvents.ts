// MapLibre attaches `source.serialize()` to every event a source fires (each tile it reloads after
// an `updateData`). For a GeoJSON source kept by diffs that is a fresh array of all its features
// each time: for the 20k sensors ~160 KB, several times a second on a busy wall, a fifth of all
// the page allocated. That garbage is what brings the young generation's collections, which stop
// the page wherever they land (in a store flush, a frame). Nothing here reads a source's data from
// those events or from `getStyle()`, so the live sources describe themselves by their options.

import type { GeoJSONSourceSpecification, Map as MapLibreMap } from 'maplibre-gl';

const NO_FEATURES: GeoJSON.FeatureCollection = { type: 'FeatureCollection', features: [] };

/** Add a GeoJSON source that the page feeds by `updateData`, described without its features. */
export function addLiveSource(map: MapLibreMap, id: string, spec: Omit<GeoJSONSourceSpecification, 'data'>): void {
  map.addSource(id, { ...spec, type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
  const description: GeoJSONSourceSpecification = { ...spec, type: 'geojson', data: NO_FEATURES };
  const source = map.getSource(id) as unknown as { serialize(): GeoJSONSourceSpecification };
  source.serialize = () => description;
}
