// The city map: MapLibre over the city's own PMTiles, district outlines, and live layers for
// incidents (clustered), sensors and units. Data flows in imperatively from store subscriptions,
// at most once a second per source, never through React renders.

import { useEffect, useRef, useState } from 'react';
import { Map as MapLibreMap, type ExpressionSpecification, type GeoJSONSource } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { cityStyle, ensureMapSetup } from './mapSetup.ts';
import type { Locale } from '../../../shared/i18n/index.ts';
import { useAppStore, selectLocale, type AppState } from '../../store/cityStore.ts';
import { incidentsToGeoJson, sensorsToGeoJson, unitsToGeoJson } from './mapData.ts';
import { CLUSTER_PROPERTIES, districtLabel, overlayLayers } from './mapStyle.ts';

const CITY_BOUNDS: [number, number, number, number] = [-87.94, 41.644, -87.524, 42.023];
const UPDATE_MS = 1000;
const LIVE_SOURCES = ['incidents', 'sensors', 'units'] as const;

type MapState = 'loading' | 'loaded' | 'error';

function labelsFor(map: MapLibreMap, locale: Locale): void {
  const placeName: ExpressionSpecification = locale === 'zh-CN' ? ['coalesce', ['get', 'name_zh-Hans'], ['get', 'name']] : ['get', 'name'];
  for (const id of ['place-label', 'station-label']) if (map.getLayer(id)) map.setLayoutProperty(id, 'text-field', placeName);
  if (map.getLayer('districts-label')) map.setLayoutProperty('districts-label', 'text-field', districtLabel(locale));
}

/** Keeps the live sources in step with the store, one setData per changed source per second. */
function startLiveUpdates(map: MapLibreMap): () => void {
  const dirty = new Set<(typeof LIVE_SOURCES)[number]>(LIVE_SOURCES);
  const unsubscribe = useAppStore.subscribe((state: AppState, previous: AppState) => {
    if (state.city.incidents !== previous.city.incidents) dirty.add('incidents');
    if (state.city.sensors !== previous.city.sensors) dirty.add('sensors');
    if (state.city.units !== previous.city.units) dirty.add('units');
  });
  const push = () => {
    const { city } = useAppStore.getState();
    for (const id of dirty) {
      const source = map.getSource<GeoJSONSource>(id);
      if (!source) continue;
      if (id === 'incidents') source.setData(incidentsToGeoJson(city.incidents));
      else if (id === 'sensors') source.setData(sensorsToGeoJson(city.sensors));
      else source.setData(unitsToGeoJson(city.units));
    }
    dirty.clear();
  };
  push();
  const timer = setInterval(push, UPDATE_MS);
  return () => {
    clearInterval(timer);
    unsubscribe();
  };
}

export function CityMap() {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [state, setState] = useState<MapState>('loading');
  const locale = useAppStore(selectLocale);

  useEffect(() => {
    ensureMapSetup();
    let disposed = false;
    let stopUpdates: (() => void) | null = null;

    void (async () => {
      try {
        const [style, districts] = await Promise.all([
          cityStyle(),
          fetch('/api/geo/districts', { credentials: 'same-origin' }).then((r) => r.json()),
        ]);
        if (disposed || !container.current) return;
        const map = new MapLibreMap({
          container: container.current,
          style,
          bounds: CITY_BOUNDS,
          fitBoundsOptions: { padding: 24 },
          attributionControl: { compact: false },
          fadeDuration: 0,
        });
        mapRef.current = map;
        map.on('load', () => {
          map.addSource('districts', { type: 'geojson', data: districts });
          map.addSource('incidents', {
            type: 'geojson',
            data: { type: 'FeatureCollection', features: [] },
            cluster: true,
            clusterRadius: 42,
            clusterMaxZoom: 14,
            clusterProperties: CLUSTER_PROPERTIES,
          });
          map.addSource('sensors', { type: 'geojson', data: { type: 'FeatureCollection', features: [] } });
          map.addSource('units', { type: 'geojson', data: { type: 'FeatureCollection', features: [] }, promoteId: 'id' });
          for (const layer of overlayLayers(useAppStore.getState().ui.locale)) map.addLayer(layer);
          labelsFor(map, useAppStore.getState().ui.locale);
          stopUpdates = startLiveUpdates(map);
        });
        // Loaded means: the base style, the street tiles and the districts have all arrived.
        map.on('idle', () => {
          if (map.getSource('districts') && map.isSourceLoaded('districts') && map.isSourceLoaded('city')) setState('loaded');
        });
        map.on('error', (event: { error: { message: string } }) => {
          console.error('map error', event.error.message);
        });
      } catch {
        if (!disposed) setState('error');
      }
    })();

    return () => {
      disposed = true;
      stopUpdates?.();
      mapRef.current?.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (map?.isStyleLoaded()) labelsFor(map, locale);
  }, [locale]);

  return <div ref={container} className="city-map" data-testid="city-map" data-map-state={state} />;
}
