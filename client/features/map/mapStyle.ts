// The live layers drawn over the base map, and the colours they share with the legend.

import type { ExpressionSpecification, LayerSpecification } from 'maplibre-gl';
import type { Locale } from '../../../shared/i18n/index.ts';

export const SEVERITY_COLORS = {
  critical: '#ff4d4f',
  high: '#ff9f1a',
  medium: '#fadb14',
  low: '#40a9ff',
} as const;

const severityColor = ['match', ['get', 'severity'], 'critical', SEVERITY_COLORS.critical, 'high', SEVERITY_COLORS.high, 'medium', SEVERITY_COLORS.medium, SEVERITY_COLORS.low];

/** Cluster properties: how many of each severity a cluster holds. */
export const CLUSTER_PROPERTIES = {
  critical: ['+', ['case', ['==', ['get', 'severity'], 'critical'], 1, 0]],
  high: ['+', ['case', ['==', ['get', 'severity'], 'high'], 1, 0]],
  medium: ['+', ['case', ['==', ['get', 'severity'], 'medium'], 1, 0]],
};

export function districtLabel(locale: Locale): ExpressionSpecification {
  return locale === 'zh-CN' ? ['get', 'nameZh'] : ['get', 'name'];
}

export function overlayLayers(locale: Locale): LayerSpecification[] {
  return [
    { id: 'districts-fill', type: 'fill', source: 'districts', paint: { 'fill-color': '#3a6ea5', 'fill-opacity': 0.06 } },
    { id: 'districts-line', type: 'line', source: 'districts', paint: { 'line-color': '#5b8cc4', 'line-width': ['interpolate', ['linear'], ['zoom'], 9, 0.6, 14, 2], 'line-opacity': 0.7 } },
    {
      id: 'districts-label',
      type: 'symbol',
      source: 'districts',
      minzoom: 10.5,
      layout: { 'text-field': districtLabel(locale), 'text-font': ['sans-serif'], 'text-size': 12, 'text-max-width': 8 },
      paint: { 'text-color': '#8fb1dc', 'text-halo-color': '#0b1220', 'text-halo-width': 1.5, 'text-opacity': 0.85 },
    },
    {
      id: 'sensors',
      type: 'circle',
      source: 'sensors',
      minzoom: 11,
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 11, 1.5, 15, 4],
        'circle-color': ['match', ['get', 'level'], 'alarm', SEVERITY_COLORS.critical, 'warn', SEVERITY_COLORS.medium, '#2bb3a3'],
        'circle-opacity': ['case', ['get', 'online'], 0.75, 0.25],
      },
    },
    {
      id: 'sensors-alarm',
      type: 'circle',
      source: 'sensors',
      filter: ['==', ['get', 'level'], 'alarm'],
      paint: { 'circle-radius': 7, 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': SEVERITY_COLORS.critical, 'circle-stroke-width': 2 },
    },
    {
      id: 'units',
      type: 'circle',
      source: 'units',
      paint: {
        'circle-radius': ['interpolate', ['linear'], ['zoom'], 10, 3, 15, 6],
        'circle-color': ['match', ['get', 'status'], 'busy', '#b37feb', '#36cfc9'],
        'circle-stroke-color': '#e6f4ff',
        'circle-stroke-width': 1,
      },
    },
    {
      id: 'incident-clusters',
      type: 'circle',
      source: 'incidents',
      filter: ['has', 'point_count'],
      paint: {
        'circle-color': ['case', ['>', ['get', 'critical'], 0], SEVERITY_COLORS.critical, ['>', ['get', 'high'], 0], SEVERITY_COLORS.high, ['>', ['get', 'medium'], 0], SEVERITY_COLORS.medium, SEVERITY_COLORS.low],
        'circle-opacity': 0.85,
        'circle-radius': ['step', ['get', 'point_count'], 13, 10, 17, 50, 22, 200, 28],
        'circle-stroke-color': '#0b1220',
        'circle-stroke-width': 2,
      },
    },
    {
      id: 'incident-cluster-count',
      type: 'symbol',
      source: 'incidents',
      filter: ['has', 'point_count'],
      layout: { 'text-field': ['get', 'point_count_abbreviated'], 'text-font': ['sans-serif'], 'text-size': 13 },
      paint: { 'text-color': '#0b1220' },
    },
    {
      id: 'incidents',
      type: 'circle',
      source: 'incidents',
      filter: ['!', ['has', 'point_count']],
      paint: { 'circle-color': severityColor as never, 'circle-radius': 6, 'circle-stroke-color': '#0b1220', 'circle-stroke-width': 1.5 },
    },
  ];
}
