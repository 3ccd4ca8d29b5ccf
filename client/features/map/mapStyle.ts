// The live layers drawn over the base map, and the colours they share with the legend.

import type { DataDrivenPropertyValueSpecification, ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import type { Locale } from '../../../shared/i18n/index.ts';
import type { DistrictShading, MapLayer } from './screenMapStore.ts';

export const SEVERITY_COLORS = {
  critical: '#ff4d4f',
  high: '#ff9f1a',
  medium: '#fadb14',
  low: '#40a9ff',
} as const;

/** The heat's colour ramp: density share → RGBA (transparent, blue, yellow, orange, red). */
export const HEAT_RAMP: readonly (readonly [number, [number, number, number, number]])[] = [
  [0, [0, 0, 0, 0]],
  [0.2, [64, 169, 255, 128]],
  [0.45, [250, 219, 20, 255]],
  [0.7, [255, 159, 26, 255]],
  [1, [255, 77, 79, 255]],
];

export const OVERDUE_COLOR = '#ffffff';
export const RISK_COLOR = '#fadb14';

export const SENSOR_KIND_COLORS: Record<string, string> = {
  water_level: '#36cfc9',
  manhole_tilt: '#95de64',
  gas: '#ff85c0',
  smoke: '#d3adf7',
  pm25: '#bfbfbf',
  noise: '#ffd591',
  traffic_flow: '#69b1ff',
};
const SENSOR_OTHER = '#8c8c8c';

export const UNIT_COLORS = { available: '#36cfc9', busy: '#b37feb' } as const;

/** District shading ramps: open incidents, and deadline risk (overdue counts double). */
export const SHADING_STOPS: Record<DistrictShading, [number, string][]> = {
  open: [
    [0, 'rgba(58,110,165,0.04)'],
    [5, 'rgba(61,139,253,0.22)'],
    [20, 'rgba(61,139,253,0.42)'],
    [60, 'rgba(130,170,255,0.6)'],
  ],
  risk: [
    [0, 'rgba(58,110,165,0.04)'],
    [1, 'rgba(250,219,20,0.25)'],
    [5, 'rgba(255,159,26,0.42)'],
    [15, 'rgba(255,77,79,0.6)'],
  ],
};

const severityColor: ExpressionSpecification = ['match', ['get', 'severity'], 'critical', SEVERITY_COLORS.critical, 'high', SEVERITY_COLORS.high, 'medium', SEVERITY_COLORS.medium, SEVERITY_COLORS.low];

/** Cluster properties: how many of each severity a cluster holds, and how many are overdue. */
export const CLUSTER_PROPERTIES = {
  critical: ['+', ['case', ['==', ['get', 'severity'], 'critical'], 1, 0]],
  high: ['+', ['case', ['==', ['get', 'severity'], 'high'], 1, 0]],
  medium: ['+', ['case', ['==', ['get', 'severity'], 'medium'], 1, 0]],
  overdue: ['+', ['case', ['==', ['get', 'light'], 'red'], 1, 0]],
};

/** Which map layers each legend toggle shows or hides. */
export const LAYER_GROUPS: Record<MapLayer, string[]> = {
  districts: ['districts-fill', 'districts-line', 'districts-label'],
  grids: ['grids-line'],
  heat: ['heat'],
  sensors: ['sensors', 'sensors-alarm'],
  units: ['units'],
  incidents: ['cluster-low', 'cluster-medium', 'cluster-high', 'cluster-critical', 'cluster-count', 'incidents', 'incidents-risk', 'incidents-overdue', 'incidents-selected'],
};

/** Layers a click can open a card for, topmost first. */
export const CLICKABLE_LAYERS = ['cluster-low', 'incidents', 'units', 'sensors-alarm', 'sensors', 'districts-fill'] as const;

export function districtLabel(locale: Locale): ExpressionSpecification {
  return locale === 'zh-CN' ? ['get', 'nameZh'] : ['get', 'name'];
}

export function districtFill(shading: DistrictShading): ExpressionSpecification {
  const stops = SHADING_STOPS[shading].flat();
  return ['interpolate', ['linear'], ['coalesce', ['feature-state', shading], 0], ...stops] as ExpressionSpecification;
}

/** Radius of a cluster by its size, scaled to the share of it at or above a severity (area ∝ share). */
function clusterRadius(share: ExpressionSpecification | null, k: number): DataDrivenPropertyValueSpecification<number> {
  const base: ExpressionSpecification = ['step', ['get', 'point_count'], 14 * k, 10, 18 * k, 50, 23 * k, 200, 29 * k];
  return share ? ['*', base, ['sqrt', ['/', share, ['get', 'point_count']]]] : base;
}

/**
 * The overlay layers. `k` scales marks and labels with the page's rem, so a 4K wall shows them as
 * large (relative to the screen) as a 1080p screen does; the map's CSS pixels do not scale by themselves.
 */
export function overlayLayers(locale: Locale, shading: DistrictShading, k = 1): LayerSpecification[] {
  const ring = (id: string, color: string, share: ExpressionSpecification | null): LayerSpecification => ({
    id,
    type: 'circle',
    source: 'incidents',
    filter: ['has', 'point_count'],
    paint: {
      'circle-color': color,
      'circle-radius': clusterRadius(share, k),
      ...(share === null
        ? { 'circle-stroke-color': ['case', ['>', ['get', 'overdue'], 0], OVERDUE_COLOR, '#0b1220'], 'circle-stroke-width': ['case', ['>', ['get', 'overdue'], 0], 3 * k, 1.5 * k] }
        : {}),
    },
  });
  return [
    { id: 'districts-fill', type: 'fill', source: 'districts', paint: { 'fill-color': districtFill(shading) } },
    { id: 'districts-line', type: 'line', source: 'districts', paint: { 'line-color': '#5b8cc4', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.6, 14, 2], 'line-opacity': 0.7 } },
    { id: 'grids-line', type: 'line', source: 'grids', minzoom: 12.5, paint: { 'line-color': '#4a6a94', 'line-width': 0.6, 'line-opacity': 0.6, 'line-dasharray': [2, 2] } },
    {
      id: 'districts-label',
      type: 'symbol',
      source: 'districts',
      minzoom: 10.5,
      layout: { 'text-field': districtLabel(locale), 'text-font': ['sans-serif'], 'text-size': 12 * k, 'text-max-width': 8 },
      paint: { 'text-color': '#8fb1dc', 'text-halo-color': '#0b1220', 'text-halo-width': 1.5, 'text-opacity': 0.85 },
    },
    // The 24 h heat, drawn by heatRaster into a canvas over the city and shown as one image.
    { id: 'heat', type: 'raster', source: 'heat', maxzoom: 15, paint: { 'raster-opacity': 0.55, 'raster-fade-duration': 0, 'raster-resampling': 'linear' } },
    {
      id: 'sensors',
      type: 'circle',
      source: 'sensors',
      minzoom: 11,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 1.8 * k, 15, 4.5 * k],
        'circle-color': ['match', ['get', 'level'], 'alarm', SEVERITY_COLORS.critical, 'warn', SEVERITY_COLORS.medium, ['match', ['get', 'kind'], ...Object.entries(SENSOR_KIND_COLORS).flat(), SENSOR_OTHER]] as unknown as ExpressionSpecification,
        'circle-opacity': ['case', ['get', 'online'], 0.8, 0.25],
      },
    },
    {
      id: 'sensors-alarm',
      type: 'circle',
      source: 'sensors',
      filter: ['==', ['get', 'level'], 'alarm'],
      paint: { 'circle-radius': 6 * k, 'circle-color': 'rgba(255,77,79,0.25)', 'circle-stroke-color': SEVERITY_COLORS.critical, 'circle-stroke-width': 2 * k },
    },
    {
      id: 'units',
      type: 'circle',
      source: 'units',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3.5 * k, 15, 7 * k],
        'circle-color': ['match', ['get', 'status'], 'busy', UNIT_COLORS.busy, UNIT_COLORS.available],
        'circle-stroke-color': '#e6f4ff',
        'circle-stroke-width': 1.2 * k,
      },
    },
    // A cluster is a bullseye: the whole disc in the lowest colour, and inner discs whose areas are
    // the shares at or above medium, high and critical — its severity mix at a glance.
    ring('cluster-low', SEVERITY_COLORS.low, null),
    ring('cluster-medium', SEVERITY_COLORS.medium, ['+', ['get', 'critical'], ['get', 'high'], ['get', 'medium']]),
    ring('cluster-high', SEVERITY_COLORS.high, ['+', ['get', 'critical'], ['get', 'high']]),
    ring('cluster-critical', SEVERITY_COLORS.critical, ['get', 'critical']),
    {
      id: 'cluster-count',
      type: 'symbol',
      source: 'incidents',
      filter: ['has', 'point_count'],
      layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-font': ['sans-serif'], 'text-size': 13 * k, 'text-allow-overlap': true },
      paint: { 'text-color': '#ffffff', 'text-halo-color': '#0b1220', 'text-halo-width': 1.6 * k },
    },
    {
      id: 'incidents-risk',
      type: 'circle',
      source: 'incidents',
      filter: ['all', ['!', ['has', 'point_count']], ['==', ['get', 'light'], 'yellow']],
      paint: { 'circle-radius': 10 * k, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': RISK_COLOR, 'circle-stroke-width': 2 * k },
    },
    {
      id: 'incidents-overdue',
      type: 'circle',
      source: 'incidents',
      filter: ['all', ['!', ['has', 'point_count']], ['==', ['get', 'light'], 'red']],
      paint: { 'circle-radius': 11 * k, 'circle-color': 'rgba(255,77,79,0.25)', 'circle-stroke-color': OVERDUE_COLOR, 'circle-stroke-width': 3 * k },
    },
    {
      id: 'incidents',
      type: 'circle',
      source: 'incidents',
      filter: ['!', ['has', 'point_count']],
      paint: { 'circle-color': severityColor, 'circle-radius': 6 * k, 'circle-stroke-color': '#0b1220', 'circle-stroke-width': 1.5 * k },
    },
    {
      id: 'incidents-selected',
      type: 'circle',
      source: 'incidents',
      filter: ['==', ['get', 'id'], ''],
      paint: { 'circle-radius': 16 * k, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': '#e6f4ff', 'circle-stroke-width': 2.5 * k },
    },
  ];
}

/** A label size scaled by k: a number, or a zoom interpolation's outputs. Anything else stays. */
export function scaledSize(size: unknown, k: number): unknown {
  if (typeof size === 'number') return size * k;
  if (Array.isArray(size) && size[0] === 'interpolate' && Array.isArray(size[2]) && size[2][0] === 'zoom') {
    return size.map((v: unknown, i) => (i >= 4 && i % 2 === 0 && typeof v === 'number' ? v * k : v));
  }
  return size;
}
