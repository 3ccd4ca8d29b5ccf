// Pure helpers: the city's state → GeoJSON for the map's sources. Tested beside this file.

import type { FeatureCollection, Point } from 'geojson';
import type { SensorView } from '../../../shared/protocol/changes.ts';
import type { Incident, Unit } from '../../../shared/domain/types.ts';
import { isOpen } from '../../../shared/domain/incidentMachine.ts';

export interface IncidentProps {
  id: string;
  severity: Incident['severity'];
  status: Incident['status'];
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

/** Open incidents with a location, as points for the clustered source. */
export function incidentsToGeoJson(incidents: Record<string, Incident>): FeatureCollection<Point, IncidentProps> {
  const features: FeatureCollection<Point, IncidentProps>['features'] = [];
  for (const incident of Object.values(incidents)) {
    if (!incident.location || !isOpen(incident.status)) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: incident.location },
      properties: { id: incident.id, severity: incident.severity, status: incident.status },
    });
  }
  return { type: 'FeatureCollection', features };
}

export function sensorsToGeoJson(sensors: Record<string, SensorView>): FeatureCollection<Point, SensorProps> {
  return {
    type: 'FeatureCollection',
    features: Object.values(sensors).map((s) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: s.location },
      properties: { id: s.id, kind: s.kind, level: s.level, online: s.online },
    })),
  };
}

export function unitsToGeoJson(units: Record<string, Unit>): FeatureCollection<Point, UnitProps> {
  return {
    type: 'FeatureCollection',
    features: Object.values(units)
      .filter((u) => u.status !== 'off_duty')
      .map((u) => ({
        type: 'Feature',
        id: u.id,
        geometry: { type: 'Point', coordinates: u.position },
        properties: { id: u.id, status: u.status, type: u.type },
      })),
  };
}
