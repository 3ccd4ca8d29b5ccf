// Pure: the sensors near an incident, nearest first, for the dispatcher's context.

import { distanceMeters } from '../../../shared/domain/geo.ts';
import type { SensorView } from '../../../shared/protocol/changes.ts';
import type { LonLat } from '../../../shared/domain/types.ts';
import type { Table } from '../../../shared/domain/cityReducer.ts';

export interface NearbySensor {
  sensor: SensorView;
  distanceM: number;
}

export function nearbySensors(sensors: Table<SensorView>, location: LonLat | null, radiusM = 500, limit = 6): NearbySensor[] {
  if (!location) return [];
  const out: NearbySensor[] = [];
  for (const sensor of sensors.values()) {
    // A cheap box test first: a degree of latitude is ~111 km.
    if (Math.abs(sensor.location[1] - location[1]) > radiusM / 100_000) continue;
    const distanceM = distanceMeters(sensor.location, location);
    if (distanceM <= radiusM) out.push({ sensor, distanceM: Math.round(distanceM) });
  }
  // Alarms first, then the nearest.
  const rank = { alarm: 0, warn: 1, normal: 2 } as const;
  return out.sort((a, b) => rank[a.sensor.level] - rank[b.sensor.level] || a.distanceM - b.distanceM).slice(0, limit);
}
