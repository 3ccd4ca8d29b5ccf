// Geography the domain needs: distances, and where a point belongs (grid → street → district).

import Flatbush from 'flatbush';
import { booleanPointInPolygon } from '@turf/boolean-point-in-polygon';
import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { LonLat } from './types.ts';

const EARTH_RADIUS_M = 6_371_008.8;

/** Great-circle distance in metres. */
export function distanceMeters(a: LonLat, b: LonLat): number {
  const toRad = Math.PI / 180;
  const dLat = (b[1] - a[1]) * toRad;
  const dLon = (b[0] - a[0]) * toRad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a[1] * toRad) * Math.cos(b[1] * toRad) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

export interface GridProperties {
  id: string;
  districtId: string;
  streetId: string;
  lowLying?: boolean;
}

export type GridFeature = Feature<Polygon | MultiPolygon, GridProperties>;

export interface Placement {
  gridId: string;
  streetId: string;
  districtId: string;
}

export type Bbox = [number, number, number, number];

function bboxOf(geometry: Polygon | MultiPolygon): Bbox {
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const rings = geometry.type === 'Polygon' ? geometry.coordinates : geometry.coordinates.flat();
  for (const ring of rings) {
    for (const [x, y] of ring) {
      if (x! < minX) minX = x!;
      if (y! < minY) minY = y!;
      if (x! > maxX) maxX = x!;
      if (y! > maxY) maxY = y!;
    }
  }
  return [minX, minY, maxX, maxY];
}

/**
 * Point → grid lookup over the responsibility map: an R-tree of grid bounding boxes narrows the
 * candidates, an exact point-in-polygon test decides. Built once from the fixture polygons.
 */
export class GridIndex {
  private readonly index: Flatbush;
  private readonly grids: GridFeature[];
  readonly bounds: Bbox;

  constructor(collection: FeatureCollection<Polygon | MultiPolygon, GridProperties>) {
    this.grids = collection.features;
    this.index = new Flatbush(Math.max(1, this.grids.length));
    const total: Bbox = [Infinity, Infinity, -Infinity, -Infinity];
    for (const grid of this.grids) {
      const [minX, minY, maxX, maxY] = bboxOf(grid.geometry);
      this.index.add(minX, minY, maxX, maxY);
      total[0] = Math.min(total[0], minX);
      total[1] = Math.min(total[1], minY);
      total[2] = Math.max(total[2], maxX);
      total[3] = Math.max(total[3], maxY);
    }
    if (this.grids.length === 0) this.index.add(0, 0, 0, 0);
    this.index.finish();
    this.bounds = total;
  }

  get size(): number {
    return this.grids.length;
  }

  /** The grid containing the point, or null outside the city. */
  locate(point: LonLat): Placement | null {
    const [x, y] = point;
    for (const i of this.index.search(x, y, x, y)) {
      const grid = this.grids[i];
      if (grid && booleanPointInPolygon(point, grid.geometry)) {
        const { id, streetId, districtId } = grid.properties;
        return { gridId: id, streetId, districtId };
      }
    }
    return null;
  }

  contains(point: LonLat): boolean {
    return this.locate(point) !== null;
  }
}
