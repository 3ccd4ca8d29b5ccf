// Pure helpers: the city's state → GeoJSON (and diffs of it) for the map's sources. Tested beside
// this file. Nothing here reads a clock: `now` is passed in.

import type { Feature, FeatureCollection, Point } from 'geojson';
import type { SensorView } from '../../../shared/protocol/changes.ts';
import type { Incident, Severity, TrafficLight, Unit } from '../../../shared/domain/types.ts';
import { isOpen } from '../../../shared/domain/incidentMachine.ts';
import type { Table } from '../../../shared/domain/cityReducer.ts';
import type { HeatPoint } from './heatRaster.ts';

export const TIME_WINDOWS = ['1h', '6h', '24h'] as const;
export type TimeWindow = (typeof TIME_WINDOWS)[number];
export const WINDOW_MS: Record<TimeWindow, number> = { '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 24 * 3_600_000 };

export interface IncidentProps {
  id: string;
  severity: Severity;
  status: Incident['status'];
  /** Deadline light of the current stage; 'none' where no clock runs. */
  light: TrafficLight | 'none';
}

export interface SensorProps {
  id: string;
  kind: string;
  level: SensorView['level'];
  online: boolean;
}

export interface UnitProps {
  id: string;
  status: Unit['status'];
  type: string;
}

export function lightOf(incident: Incident): IncidentProps['light'] {
  const d = incident.deadline;
  return d && !d.paused ? d.light : 'none';
}

/** Whether an incident belongs on the map for the chosen window: open, placed, and active within it. */
export function showIncident(incident: Incident, now: number, windowMs: number): boolean {
  if (!incident.location || !isOpen(incident.status)) return false;
  // Overdue work stays on the map whatever the window: it is what most needs seeing.
  if (lightOf(incident) === 'red') return true;
  return Date.parse(incident.updatedAt) >= now - windowMs;
}

export function incidentFeature(incident: Incident): Feature<Point, IncidentProps> {
  return {
    type: 'Feature',
    geometry: { type: 'Point', coordinates: incident.location! },
    properties: { id: incident.id, severity: incident.severity, status: incident.status, light: lightOf(incident) },
  };
}

/** Open incidents with a location within the window, as points for the clustered source. */
export function incidentsToGeoJson(incidents: Table<Incident>, now: number, windowMs: number): FeatureCollection<Point, IncidentProps> {
  const features: Feature<Point, IncidentProps>[] = [];
  incidents.forEach((incident) => {
    if (showIncident(incident, now, windowMs)) features.push(incidentFeature(incident));
  });
  return { type: 'FeatureCollection', features };
}

/** A MapLibre source diff (the subset of GeoJSONSourceDiff we use). */
export interface SourceDiff<P> {
  remove: string[];
  add: Feature<Point, P>[];
}

/**
 * How a diff tells an item's change: `same(drawn, item)` compares what was drawn with the item
 * now, and `keep(item)` is what `sent` remembers of it — the item itself where every change
 * makes a new one (the default, compared by reference), a copy where entries are written in
 * place (sensor readings: the entry itself would change along with the memory of it).
 */
export interface ChangeTest<T> {
  same: (drawn: T, item: T) => boolean;
  keep: (item: T) => T;
}

const BY_REFERENCE = { same: (a: unknown, b: unknown) => a === b, keep: <U>(item: U): U => item };

/**
 * What changed since the last push. `sent` maps each id on the map to what it was drawn from
 * and is updated in place; a changed item is removed and added again (one feature, so the cost
 * is proportional to the change, not to the city).
 */
export function diffById<T, P>(
  sent: Map<string, T>,
  items: Table<T>,
  visible: (item: T) => boolean,
  toFeature: (item: T) => Feature<Point, P>,
  test: ChangeTest<T> = BY_REFERENCE,
): SourceDiff<P> {
  const diff: SourceDiff<P> = { remove: [], add: [] };
  items.forEach((item, id) => diffOne(diff, sent, id, item, visible, toFeature, test));
  // Items gone from the store (e.g. a fresh snapshot without them).
  for (const id of sent.keys()) {
    if (!items.has(id)) {
      diff.remove.push(id);
      sent.delete(id);
    }
  }
  return diff;
}

/**
 * `diffById` for just the ids a flush said changed: the cost is the change's, not the city's.
 * An id no longer in `items` (or no longer visible) leaves the map.
 */
export function diffIds<T, P>(
  sent: Map<string, T>,
  ids: Iterable<string>,
  items: Table<T>,
  visible: (item: T) => boolean,
  toFeature: (item: T) => Feature<Point, P>,
  test: ChangeTest<T> = BY_REFERENCE,
): SourceDiff<P> {
  const diff: SourceDiff<P> = { remove: [], add: [] };
  for (const id of ids) diffOne(diff, sent, id, items.get(id), visible, toFeature, test);
  return diff;
}

/** One id into `diff`: gone or hidden leaves the map, changed is removed and added again. */
function diffOne<T, P>(
  diff: SourceDiff<P>,
  sent: Map<string, T>,
  id: string,
  item: T | undefined,
  visible: (item: T) => boolean,
  toFeature: (item: T) => Feature<Point, P>,
  test: ChangeTest<T>,
): void {
  const before = sent.get(id);
  if (item === undefined || !visible(item)) {
    if (before !== undefined) {
      diff.remove.push(id);
      sent.delete(id);
    }
    return;
  }
  if (before !== undefined && test.same(before, item)) return;
  if (before !== undefined) diff.remove.push(id);
  diff.add.push(toFeature(item));
  sent.set(id, test.keep(item));
}

export function isEmptyDiff(diff: SourceDiff<unknown>): boolean {
  return diff.add.length === 0 && diff.remove.length === 0;
}

export function sensorFeature(s: SensorView): Feature<Point, SensorProps> {
  return { type: 'Feature', geometry: { type: 'Point', coordinates: s.location }, properties: { id: s.id, kind: s.kind, level: s.level, online: s.online } };
}

/**
 * Sensors redraw only when what the map shows of them (level, online) changes, not on every
 * reading; their entries are written in place, so the diff keeps a copy of what it drew.
 */
export const SENSOR_LOOK: ChangeTest<SensorView> = {
  same: (drawn, item) => drawn.level === item.level && drawn.online === item.online,
  keep: (item) => ({ ...item }),
};

/** Units redraw when their status or position changes (each change is a new entry). */
export const UNIT_LOOK: ChangeTest<Unit> = {
  same: (drawn, item) => drawn.status === item.status && drawn.position[0] === item.position[0] && drawn.position[1] === item.position[1],
  keep: (item) => item,
};

export function sensorsToGeoJson(sensors: Table<SensorView>): FeatureCollection<Point, SensorProps> {
  return { type: 'FeatureCollection', features: [...sensors.values()].map(sensorFeature) };
}

export function unitFeature(u: Unit): Feature<Point, UnitProps> {
  return { type: 'Feature', id: u.id, geometry: { type: 'Point', coordinates: u.position }, properties: { id: u.id, status: u.status, type: u.type } };
}

export const unitOnDuty = (u: Unit) => u.status !== 'off_duty';

export function unitsToGeoJson(units: Table<Unit>): FeatureCollection<Point, UnitProps> {
  return { type: 'FeatureCollection', features: [...units.values()].filter(unitOnDuty).map(unitFeature) };
}

const SEVERITY_WEIGHT: Record<Severity, number> = { critical: 1, high: 0.7, medium: 0.45, low: 0.25 };

/**
 * Up to this many reports a day the heat adds up as it is; beyond it each report weighs less, so
 * a busy city's day shows where complaints concentrate instead of one red blanket.
 */
export const HEAT_REFERENCE_COUNT = 400;

/**
 * Heat points are summed per cell of this many degrees (~110 m × 80 m here): far below the heat's
 * kernel (~1 km), so the picture is the same while drawing it costs per cell, not per report —
 * a busy day's 10,000 reports become ~1,500 cells.
 */
export const HEAT_CELL_DEG = 0.001;

/**
 * Heat: every incident reported in the last 24 h (open or not), weighted by severity, normalised
 * by the day's volume, and summed per cell (at the weighted centre of what fell in it).
 */
export function heatPoints(incidents: Table<Incident>, now: number): HeatPoint[] {
  const since = now - WINDOW_MS['24h'];
  const recent: Incident[] = [];
  incidents.forEach((i) => {
    if (i.location && Date.parse(i.createdAt) >= since) recent.push(i);
  });
  const scale = Math.min(1, HEAT_REFERENCE_COUNT / Math.max(1, recent.length));
  const cells = new Map<string, HeatPoint>();
  for (const i of recent) {
    const [x, y] = i.location!;
    const key = `${Math.floor(x / HEAT_CELL_DEG)}:${Math.floor(y / HEAT_CELL_DEG)}`;
    const w = SEVERITY_WEIGHT[i.severity] * scale;
    const cell = cells.get(key);
    if (cell) {
      cell.x += x * w;
      cell.y += y * w;
      cell.w += w;
    } else {
      cells.set(key, { w, x: x * w, y: y * w });
    }
  }
  return [...cells.values()].map((c) => ({ x: c.x / c.w, y: c.y / c.w, w: Math.round(c.w * 1000) / 1000 }));
}

export interface DistrictLoad {
  open: number;
  /** Open incidents at risk (yellow) and overdue (red) on their current stage's deadline. */
  risk: number;
  overdue: number;
}

/** Per-district load for the shading: open incidents and deadline risk. */
export function districtLoads(incidents: Table<Incident>): Record<string, DistrictLoad> {
  const out: Record<string, DistrictLoad> = {};
  incidents.forEach((i) => {
    if (!i.districtId || !isOpen(i.status)) return;
    const d = (out[i.districtId] ??= { open: 0, risk: 0, overdue: 0 });
    d.open += 1;
    const light = lightOf(i);
    if (light === 'yellow') d.risk += 1;
    if (light === 'red') d.overdue += 1;
  });
  return out;
}

/** Deadline risk score of a district: overdue weighs double a warning. */
export function riskScore(load: DistrictLoad | undefined): number {
  return load ? load.overdue * 2 + load.risk : 0;
}
