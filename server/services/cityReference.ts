// The demo city's reference data, read once from fixtures/: the responsibility map (districts,
// grids), categories, units, sensors and a gazetteer of addresses.

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { GridIndex, type GridProperties } from '../../shared/domain/geo.ts';
import type { Category, LocalizedName, LonLat, Sensor, Unit } from '../../shared/domain/types.ts';

export const FIXTURES_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../fixtures');

export interface DistrictProperties {
  id: string;
  areaNumber: number;
  name: string;
  nameZh: string;
  population?: number;
}

export interface Address {
  name: string;
  location: LonLat;
  districtId: string;
  gridId: string;
}

interface CategoryNode {
  code: string;
  name: LocalizedName;
  children?: CategoryNode[];
}

export interface UnitFixture extends Omit<Unit, 'positionAt'> {
  shift: 'day' | 'night';
}

export interface SensorFixture extends Sensor {
  baseline: { mean: number; amplitude: number; noise: number };
}

export interface CityReference {
  districts: FeatureCollection<Polygon | MultiPolygon, DistrictProperties>;
  grids: FeatureCollection<Polygon | MultiPolygon, GridProperties>;
  gridIndex: GridIndex;
  categoryTree: CategoryNode[];
  categories: Map<string, Category>;
  units: UnitFixture[];
  unitTypes: { type: string; name: LocalizedName; speedKmh: number }[];
  sensors: SensorFixture[];
  addresses: Address[];
}

function readJson<T>(relative: string, dir: string): T {
  return JSON.parse(fs.readFileSync(path.join(dir, relative), 'utf8')) as T;
}

function leaves(nodes: CategoryNode[]): Category[] {
  return nodes.flatMap((node) => (node.children ? leaves(node.children) : [node as unknown as Category]));
}

export function loadCityReference(dir = FIXTURES_DIR): CityReference {
  const districts = readJson<CityReference['districts']>('geo/districts.geojson', dir);
  const grids = readJson<CityReference['grids']>('geo/grids.geojson', dir);
  const categoryTree = readJson<{ categories: CategoryNode[] }>('city/categories.json', dir).categories;
  const unitsFile = readJson<{ unitTypes: CityReference['unitTypes']; units: UnitFixture[] }>('city/units.json', dir);
  const sensors = readJson<{ sensors: SensorFixture[] }>('city/sensors.json', dir).sensors;
  const addresses = readJson<{ addresses: Address[] }>('geo/addresses.json', dir).addresses;
  return {
    districts,
    grids,
    gridIndex: new GridIndex(grids),
    categoryTree,
    categories: new Map(leaves(categoryTree).map((c) => [c.code, c])),
    units: unitsFile.units,
    unitTypes: unitsFile.unitTypes,
    sensors,
    addresses,
  };
}

/** The unit as the live system holds it, from its fixture entry. */
export function unitFromFixture(fixture: UnitFixture): Unit {
  const { shift: _shift, ...unit } = fixture;
  return { ...unit, positionAt: null };
}

export function sensorFromFixture(fixture: SensorFixture): Sensor {
  const { baseline: _baseline, ...sensor } = fixture;
  return sensor;
}
