// The big screen builds some message keys from data (a KPI's name, a layer, a sensor kind...).
// The type checker cannot follow those, so this test does: every key the screen can ask for
// exists, with text, in both catalogs — a missing one fails here instead of showing as a raw key.

import { describe, expect, it } from 'vitest';
import { INCIDENT_STATUSES, SEVERITIES, TRAFFIC_LIGHTS, UNIT_STATUSES } from '../../../shared/domain/types.ts';
import { catalogs, LOCALES } from '../../../shared/i18n/index.ts';
import { KPI_NAMES } from './kpiFormat.ts';
import { MAP_LAYERS } from '../map/screenMapStore.ts';
import { SENSOR_KIND_COLORS } from '../map/mapStyle.ts';
import { TIME_WINDOWS } from '../map/mapData.ts';

const dynamicKeys = [
  ...KPI_NAMES.map((n) => `kpi.${n}`),
  ...MAP_LAYERS.map((l) => `map.layer.${l}`),
  ...TIME_WINDOWS.map((w) => `map.window.${w}`),
  ...['open', 'risk'].map((m) => `map.shading.${m}`),
  ...Object.keys(SENSOR_KIND_COLORS).map((k) => `sensorKind.${k}`),
  ...['normal', 'warn', 'alarm'].map((l) => `sensorLevel.${l}`),
  ...UNIT_STATUSES.map((s) => `unitStatus.${s}`),
  ...TRAFFIC_LIGHTS.map((l) => `light.${l}`),
  ...INCIDENT_STATUSES.map((s) => `status.${s}`),
  ...SEVERITIES.map((s) => `severity.${s}`),
  ...['up', 'down', 'flat'].map((t) => `hotspots.trend.${t}`),
  ...LOCALES.map((l) => `lang.${l}`),
  ...['connecting', 'live', 'reconnecting', 'offline'].map((s) => `connection.${s}`),
];

describe('big screen message keys', () => {
  it.each(LOCALES)('every key the screen builds from data is in the %s catalog, with text', (locale) => {
    const catalog = catalogs[locale] as Record<string, string | undefined>;
    expect(dynamicKeys.filter((k) => !catalog[k]?.trim())).toEqual([]);
  });
});
