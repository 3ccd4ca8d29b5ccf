// The city map: MapLibre over the city's own PMTiles, districts shaded by load, street grids at
// closer zoom, and live layers for incidents (clustered), the 24 h heat, sensors and units.
// Data flows in imperatively from store subscriptions as diffs (`updateData` keyed by id), never
// through React renders; district shading uses feature-state (77 polygons, no re-tiling).

import { useEffect, useRef, useState } from 'react';
import { Map as MapLibreMap, type ExpressionSpecification, type GeoJSONSource, type MapGeoJSONFeature } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import { cityStyle, ensureMapSetup } from './mapSetup.ts';
import { translate, type Locale } from '../../../shared/i18n/index.ts';
import type { Incident, Unit } from '../../../shared/domain/types.ts';
import type { Table } from '../../../shared/domain/cityReducer.ts';
import type { SensorView } from '../../../shared/protocol/changes.ts';
import { useAppStore, selectLocale } from '../../store/cityStore.ts';
import {
  WINDOW_MS,
  diffById,
  diffIds,
  districtLoads,
  incidentFeature,
  incidentsToGeoJson,
  isEmptyDiff,
  riskScore,
  SENSOR_LOOK,
  sensorFeature,
  sensorsToGeoJson,
  showIncident,
  unitFeature,
  unitOnDuty,
  UNIT_LOOK,
  unitsToGeoJson,
  type ChangeTest,
  type SourceDiff,
} from './mapData.ts';
import { CLICKABLE_LAYERS, CLUSTER_PROPERTIES, LAYER_GROUPS, districtFill, districtLabel, overlayLayers, scaledSize } from './mapStyle.ts';
import { MAP_LAYERS, isFocusStep, select, useScreenMap, type ScreenMapState, type Selection } from './screenMapStore.ts';
import { FOCUS_MS, newCriticals } from './focus.ts';
import { DEFAULT_PACE, paceRenders, pinnedScale, pushDue, type Pacing } from './renderPacing.ts';
import { heatGrid, heatPainter, type HeatPainter } from './heatPicture.ts';
import { addLiveSource } from './sourceEvents.ts';
import { isNaive, perf, recordMoment, recordSample } from '../perf/perfProbe.ts';
import { currentBridge } from '../../realtime/liveBridge.ts';

const CITY_BOUNDS: [number, number, number, number] = [-87.94, 41.644, -87.524, 42.023];
/**
 * Units: diffs four times a second. Incidents: checked as often, sent once per paced render (each
 * send re-clusters 10k points in the worker). Sensors: once a second. Heat: every 10 s.
 */
const FAST_MS = 250;
const SENSORS_MS = 1000;
const HEAT_MS = 10_000;
const SHADING_MS = 1000;
/** Even without changes, re-check the time window now and then (incidents age out of it). */
const WINDOW_RECHECK_MS = 5000;
/** Out-of-view tiles kept per source (see the map's options). */
const TILE_CACHE_SIZE = 30;
const empty = (): GeoJSON.FeatureCollection => ({ type: 'FeatureCollection', features: [] });
const HEAT_GRID = heatGrid(CITY_BOUNDS);

type MapState = 'loading' | 'loaded' | 'error';

function labelsFor(map: MapLibreMap, locale: Locale): void {
  // MapLibre's own control labels, in the screen's language.
  map.getContainer().querySelector('.maplibregl-ctrl-attrib-button')?.setAttribute('aria-label', translate(locale, 'map.attributionToggle'));
  map.getContainer().querySelector('.maplibregl-ctrl-attrib-button')?.setAttribute('title', translate(locale, 'map.attributionToggle'));
  const placeName: ExpressionSpecification = locale === 'zh-CN' ? ['coalesce', ['get', 'name_zh-Hans'], ['get', 'name']] : ['get', 'name'];
  for (const id of ['place-label', 'station-label']) if (map.getLayer(id)) map.setLayoutProperty(id, 'text-field', placeName);
  if (map.getLayer('districts-label')) map.setLayoutProperty('districts-label', 'text-field', districtLabel(locale));
}

/** Base-map labels grow with the page too, like the overlays. */
function scaleBaseLabels(map: MapLibreMap, k: number): void {
  if (k <= 1.05) return;
  for (const layer of map.getStyle().layers) {
    if (layer.type !== 'symbol' || layer.id.startsWith('districts') || layer.id.startsWith('cluster')) continue;
    const size = map.getLayoutProperty(layer.id, 'text-size') as unknown;
    if (size !== undefined) map.setLayoutProperty(layer.id, 'text-size', scaledSize(size, k) as number);
  }
}

/**
 * Benchmark only: remember incidents whose update the worker has taken in, and at the first frame
 * drawn with the source loaded, record server time → pixel for all of them. One listener, bounded.
 */
function paintProbe(map: MapLibreMap, sourceId: string): ((incidents: readonly Incident[]) => void) | null {
  if (!perf()) return null;
  let ready: Incident[] = [];
  map.on('render', () => {
    if (ready.length === 0 || !map.isSourceLoaded(sourceId)) return;
    const done = ready;
    ready = [];
    requestAnimationFrame(() => {
      const now = Date.now();
      for (const i of done) recordSample('mapPaint', now - Date.parse(i.updatedAt));
    });
  });
  return (incidents) => {
    if (ready.length < 10_000) ready.push(...incidents);
  };
}

function applyView(map: MapLibreMap, view: ScreenMapState, previous: ScreenMapState | null): void {
  for (const layer of MAP_LAYERS) {
    if (previous && previous.layers[layer] === view.layers[layer]) continue;
    for (const id of LAYER_GROUPS[layer]) if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', view.layers[layer] ? 'visible' : 'none');
  }
  if (!previous || previous.shading !== view.shading) map.setPaintProperty('districts-fill', 'fill-color', districtFill(view.shading));
  const selectedIncident = view.selected?.kind === 'incident' ? view.selected.id : '';
  map.setFilter('incidents-selected', ['all', ['!', ['has', 'point_count']], ['==', ['get', 'id'], selectedIncident]]);
}

/** Ids changed since a source was last pushed; `all` after a snapshot (start over). */
interface Dirty {
  all: boolean;
  ids: Set<string>;
}

/**
 * Keeps the live sources in step with the store (designed path: diffs on timers). Between pushes
 * it collects the ids each flush changed, so a push costs what changed, not the city; the whole
 * incident table is only walked when the time window moves (incidents age out of it).
 */
function startLiveUpdates(map: MapLibreMap, pacing: Pacing, districtIds: string[], heat: HeatPainter): () => void {
  let lastIncidentPush = -Infinity;
  const sentIncidents = new Map<string, Incident>();
  const sentSensors = new Map<string, SensorView>();
  const sentUnits = new Map<string, Unit>();
  const dirty: Record<'incidents' | 'sensors' | 'units', Dirty> = {
    incidents: { all: true, ids: new Set() },
    sensors: { all: true, ids: new Set() },
    units: { all: true, ids: new Set() },
  };
  const unsubscribe = useAppStore.subscribe((state, previous) => {
    if (state.changes === previous.changes) return;
    for (const name of ['incidents', 'sensors', 'units'] as const) {
      const d = dirty[name];
      if (state.changes.reset) d.all = true;
      if (d.all) continue;
      for (const id of state.changes.ids[name]) d.ids.add(id);
    }
  });
  /** The diff for one source: by the dirty ids, or in full after a snapshot (or when asked). */
  const take = <T, P>(name: keyof typeof dirty, sent: Map<string, T>, items: Table<T>, full: boolean, ...rest: [(item: T) => boolean, (item: T) => GeoJSON.Feature<GeoJSON.Point, P>, ChangeTest<T>?]) => {
    const d = dirty[name];
    const diff = d.all || full ? diffById(sent, items, ...rest) : diffIds(sent, d.ids, items, ...rest);
    d.all = false;
    d.ids.clear();
    return diff;
  };
  let seenWindow = '';
  let lastWindowCheck = 0;
  let firstPush = true;
  let shadingStale = true;
  let lastShading = 0;

  const painted = paintProbe(map, 'incidents');
  const send = <P extends GeoJSON.GeoJsonProperties>(id: string, diff: SourceDiff<P>, paintOf?: readonly Incident[]) => {
    const source = map.getSource<GeoJSONSource>(id);
    if (!source || isEmptyDiff(diff)) return;
    const started = performance.now();
    const applied = source.updateData(diff);
    if (painted && paintOf?.length) void applied.then(() => painted(paintOf));
    recordSample('mapUpdates', performance.now() - started);
  };

  const fast = () => {
    const { city } = useAppStore.getState();
    const { timeWindow } = useScreenMap.getState();
    const now = Date.now();
    const recheck = timeWindow !== seenWindow || now - lastWindowCheck > WINDOW_RECHECK_MS;
    const incidentsDue = dirty.incidents.ids.size > 0 && pushDue(pacing.untilNextRender(), performance.now() - lastIncidentPush, pacing.interval(), FAST_MS);
    if (recheck || dirty.incidents.all || incidentsDue) {
      lastIncidentPush = performance.now();
      if (recheck) {
        seenWindow = timeWindow;
        lastWindowCheck = now;
      }
      const windowMs = WINDOW_MS[timeWindow];
      const diff = take('incidents', sentIncidents, city.incidents, recheck, (i) => showIncident(i, now, windowMs), incidentFeature);
      // What was already there when the screen opened is not an event reaching a pixel.
      const added = firstPush ? [] : diff.add.map((f) => city.incidents.get(f.properties.id)!);
      firstPush = false;
      send('incidents', diff, added);
      shadingStale = true;
    }
    // The shading walks every incident: once a second is enough for a district's colour.
    if (shadingStale && now - lastShading >= SHADING_MS) {
      shadingStale = false;
      lastShading = now;
      const loads = districtLoads(city.incidents);
      for (const id of districtIds) {
        const load = loads[id];
        map.setFeatureState({ source: 'districts', id }, { open: load?.open ?? 0, risk: riskScore(load) });
      }
    }
    if (dirty.units.all || dirty.units.ids.size > 0) {
      send('units', take('units', sentUnits, city.units, false, unitOnDuty, unitFeature, UNIT_LOOK));
    }
  };
  const sensors = () => {
    if (!dirty.sensors.all && dirty.sensors.ids.size === 0) return;
    send('sensors', take('sensors', sentSensors, useAppStore.getState().city.sensors, false, () => true, sensorFeature, SENSOR_LOOK));
  };

  fast();
  sensors();
  heat.paint();
  const timers = [setInterval(fast, FAST_MS), setInterval(sensors, SENSORS_MS), setInterval(heat.paint, HEAT_MS)];
  return () => {
    unsubscribe();
    timers.forEach(clearInterval);
  };
}

/** The naive baseline for the benchmark: a full setData of every source on every store change. */
function startNaiveUpdates(map: MapLibreMap, heat: HeatPainter): () => void {
  const painted = paintProbe(map, 'incidents');
  return useAppStore.subscribe((state, previous) => {
    const started = performance.now();
    const { timeWindow } = useScreenMap.getState();
    if (state.city.incidents !== previous.city.incidents) {
      const fresh = [...state.city.incidents.values()].filter((i) => previous.city.incidents.get(i.id) !== i);
      void map.getSource<GeoJSONSource>('incidents')?.setData(incidentsToGeoJson(state.city.incidents, Date.now(), WINDOW_MS[timeWindow])).then(() => painted?.(fresh));
      heat.paint();
    }
    // Sensor readings are written in place: the flush's changed ids say when they moved.
    if (state.changes !== previous.changes && (state.changes.reset || state.changes.ids.sensors.length > 0)) void map.getSource<GeoJSONSource>('sensors')?.setData(sensorsToGeoJson(state.city.sensors));
    if (state.city.units !== previous.city.units) void map.getSource<GeoJSONSource>('units')?.setData(unitsToGeoJson(state.city.units));
    recordSample('mapUpdates', performance.now() - started);
  });
}

/** A new critical incident pulls the camera to it and opens its card; then the view returns. */
function startCriticalFocus(map: MapLibreMap, pacing: Pacing | null): () => void {
  const duration = (ms: number) => pacing?.cameraDuration(ms) ?? ms;
  const queue: Incident[] = [];
  let home: { center: [number, number]; zoom: number } | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const next = () => {
    const incident = queue.shift();
    if (!incident) {
      if (home) map.flyTo({ center: home.center, zoom: home.zoom, duration: duration(1500) });
      home = null;
      timer = null;
      const selected = useScreenMap.getState().selected;
      if (selected?.kind === 'incident' && selected.focus) select(null);
      return;
    }
    if (!home) {
      const c = map.getCenter();
      home = { center: [c.lng, c.lat], zoom: map.getZoom() };
    }
    // Past the clustering zoom, so the incident stands on its own.
    map.flyTo({ center: incident.location!, zoom: Math.max(map.getZoom(), 15), duration: duration(1500) });
    select({ kind: 'incident', id: incident.id, focus: true });
    timer = setTimeout(next, FOCUS_MS);
  };
  const unsubscribe = useAppStore.subscribe((state, previous) => {
    const fresh = newCriticals(previous.feed, state.feed, previous.city.incidents, state.city.incidents, Date.now());
    if (fresh.length === 0) return;
    queue.push(...fresh.slice(-5));
    if (!timer) next();
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

function selectionOf(feature: MapGeoJSONFeature): Selection | null {
  const id = feature.properties?.id as string | undefined;
  switch (feature.layer.id) {
    case 'incidents':
      return id ? { kind: 'incident', id } : null;
    case 'units':
      return id ? { kind: 'unit', id } : null;
    case 'sensors':
    case 'sensors-alarm':
      return id ? { kind: 'sensor', id } : null;
    case 'districts-fill':
      return id ? { kind: 'district', id } : null;
    default:
      return null;
  }
}

export function CityMap() {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<MapLibreMap | null>(null);
  const [state, setState] = useState<MapState>('loading');
  const locale = useAppStore(selectLocale);

  useEffect(() => {
    ensureMapSetup();
    let disposed = false;
    const stops: (() => void)[] = [];

    void (async () => {
      try {
        const [style, districts] = await Promise.all([
          cityStyle(),
          fetch('/api/geo/districts', { credentials: 'same-origin' }).then((r) => r.json() as Promise<GeoJSON.FeatureCollection<GeoJSON.Geometry, { id: string }>>),
        ]);
        if (disposed || !container.current) return;
        const pinned = pinnedScale(location.search);
        const map = new MapLibreMap({
          container: container.current,
          style,
          bounds: CITY_BOUNDS,
          fitBoundsOptions: { padding: 24 },
          attributionControl: { compact: false },
          locale: { 'AttributionControl.ToggleAttribution': translate(useAppStore.getState().ui.locale, 'map.attributionToggle') },
          fadeDuration: 0,
          // Tiles out of view are kept for a return (the critical focus comes back home), but a
          // screen left on for days visits many places: at most this many per source, not the
          // viewport-sized default (~100 per source at 1920×1080, each with its GPU buffers).
          maxTileCacheSize: TILE_CACHE_SIZE,
          ...(pinned === null ? {} : { pixelRatio: devicePixelRatio * pinned }),
        });
        mapRef.current = map;
        const probe = perf();
        if (probe) probe.map = map;
        // The click handler below, registered before the map loads, asks it for camera durations.
        let pacing: Pacing | null = null;
        map.on('load', () => {
          const view = useScreenMap.getState();
          map.addSource('districts', { type: 'geojson', data: districts, promoteId: 'id' });
          // Street grids are only drawn close in: fetched in the background, after first paint.
          map.addSource('grids', { type: 'geojson', data: empty() });
          const heat = heatPainter(map, HEAT_GRID, (points) => container.current?.setAttribute('data-heat-points', String(points)));
          stops.push(heat.stop);
          const [w, s, e, n] = HEAT_GRID.bounds;
          map.addSource('heat', { type: 'canvas', canvas: heat.canvas, animate: false, coordinates: [[w, n], [e, n], [e, s], [w, s]] });
          addLiveSource(map, 'incidents', { type: 'geojson', promoteId: 'id', cluster: true, clusterRadius: 42, clusterMaxZoom: 14, clusterProperties: CLUSTER_PROPERTIES });
          addLiveSource(map, 'sensors', { type: 'geojson', promoteId: 'id' });
          addLiveSource(map, 'units', { type: 'geojson', promoteId: 'id' });
          const k = Math.max(1, (parseFloat(getComputedStyle(document.documentElement).fontSize) || 16) / 16);
          for (const layer of overlayLayers(useAppStore.getState().ui.locale, view.shading, k)) map.addLayer(layer);
          scaleBaseLabels(map, k);
          labelsFor(map, useAppStore.getState().ui.locale);
          applyView(map, view, null);
          const paced = isNaive() ? null : paceRenders(map, (frame) => currentBridge()?.showsIncidentChanges(frame) ?? false, DEFAULT_PACE, pinned === null);
          pacing = paced;
          stops.push(
            useScreenMap.subscribe((next, previous) => {
              applyView(map, next, previous);
              if (!isFocusStep(next, previous)) paced?.hurry();
            }),
          );
          if (paced) stops.push(paced.stop, startLiveUpdates(map, paced, districts.features.map((f) => f.properties.id), heat));
          else stops.push(startNaiveUpdates(map, heat));
          stops.push(startCriticalFocus(map, paced));
          void fetch('/api/geo/grids', { credentials: 'same-origin' })
            .then((r) => r.json())
            .then((grids: GeoJSON.FeatureCollection) => {
              if (!disposed) void map.getSource<GeoJSONSource>('grids')?.setData(grids);
            })
            .catch(() => undefined);
        });
        // Whether the camera is in flight (the critical focus flies), for whoever needs to wait for it.
        // And whether the view has settled since (its tiles in, nothing left to draw).
        map.on('movestart', () => {
          recordMoment('cameraMoves');
          container.current?.setAttribute('data-camera', 'moving');
          container.current?.removeAttribute('data-settled');
        });
        map.on('moveend', () => container.current?.setAttribute('data-camera', 'still'));
        map.on('idle', () => container.current?.setAttribute('data-settled', ''));
        map.on('click', (event) => {
          const layers = CLICKABLE_LAYERS.filter((id) => map.getLayer(id) && map.getLayoutProperty(id, 'visibility') !== 'none');
          const [feature] = map.queryRenderedFeatures(event.point, { layers: [...layers] });
          if (!feature) {
            select(null);
            return;
          }
          if (feature.layer.id === 'cluster-low') {
            const clusterId = feature.properties?.cluster_id as number;
            void map
              .getSource<GeoJSONSource>('incidents')
              ?.getClusterExpansionZoom(clusterId)
              .then((zoom) => map.easeTo({ center: (feature.geometry as GeoJSON.Point).coordinates as [number, number], zoom, duration: pacing?.cameraDuration(600) ?? 600 }));
            return;
          }
          select(selectionOf(feature));
        });
        // Loaded means: the base style, the street tiles and every overlay source have arrived.
        // Once: 'idle' follows every settled render, and React keeps each same-value update it
        // bails out of queued on the hook until the component next renders (which this one rarely
        // does) — a few a second, without end on a screen that runs for days.
        const onIdle = () => {
          const sources = ['city', 'districts', 'incidents', 'sensors', 'units', 'heat'];
          if (!sources.every((id) => map.getSource(id) && map.isSourceLoaded(id))) return;
          setState('loaded');
          map.off('idle', onIdle);
        };
        map.on('idle', onIdle);
        map.on('error', (event: { error: { message: string } }) => {
          console.error('map error', event.error.message);
        });
      } catch {
        if (!disposed) setState('error');
      }
    })();

    return () => {
      disposed = true;
      for (const stop of stops) stop();
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
