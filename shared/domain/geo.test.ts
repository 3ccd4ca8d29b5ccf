import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { GridIndex, distanceMeters, type GridProperties } from './geo.ts';

// The real responsibility map of the demo city (fixtures are data; reading them in a test is fine).
const grids = JSON.parse(
  fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/geo/grids.geojson'), 'utf8'),
) as FeatureCollection<Polygon | MultiPolygon, GridProperties>;
const index = new GridIndex(grids);

describe('distance', () => {
  it('measures great-circle metres', () => {
    // One degree of latitude is ~111.2 km; Willis Tower → Navy Pier is about 2.9 km.
    expect(distanceMeters([-87.6, 41.8], [-87.6, 42.8])).toBeCloseTo(111_195, -2);
    expect(distanceMeters([-87.6359, 41.8789], [-87.6051, 41.8917])).toBeGreaterThan(2_800);
    expect(distanceMeters([-87.6359, 41.8789], [-87.6051, 41.8917])).toBeLessThan(3_000);
  });
});

describe('point → grid → district on the real Chicago polygons', () => {
  it.each([
    // [place, lon, lat, community area]
    ['Willis Tower, the Loop', -87.6359, 41.8789, 'CA32'],
    ['Wrigley Field, Lake View', -87.6553, 41.9484, 'CA06'],
    ['Hyde Park (University of Chicago)', -87.5987, 41.7886, 'CA41'],
    ['Midway Airport, Garfield Ridge', -87.7522, 41.7868, 'CA56'],
  ] as const)('%s lies in %s', (_name, lon, lat, districtId) => {
    const placed = index.locate([lon, lat]);
    expect(placed?.districtId).toBe(districtId);
    expect(placed?.gridId.startsWith(`${districtId}-G`)).toBe(true);
  });

  it('every grid contains its own interior point, and says so', () => {
    // A vertex-average point can fall outside a clipped grid, so test the bbox centre only where it is inside.
    let checked = 0;
    for (const grid of grids.features.slice(0, 300)) {
      const ring = grid.geometry.type === 'Polygon' ? grid.geometry.coordinates[0]! : grid.geometry.coordinates[0]![0]!;
      const xs = ring.map((p) => p[0]!);
      const ys = ring.map((p) => p[1]!);
      const centre: [number, number] = [(Math.min(...xs) + Math.max(...xs)) / 2, (Math.min(...ys) + Math.max(...ys)) / 2];
      const placed = index.locate(centre);
      if (placed?.gridId === grid.properties.id) checked += 1;
    }
    expect(checked).toBeGreaterThan(250);
  });

  it('places nothing outside the city', () => {
    expect(index.locate([-87.3, 41.9])).toBeNull(); // Lake Michigan, offshore
    expect(index.locate([116.4, 39.9])).toBeNull(); // Beijing
  });
});
