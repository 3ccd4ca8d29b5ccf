import { describe, expect, it } from 'vitest';
import { incidentsToGeoJson, unitsToGeoJson } from './mapData.ts';
import { openIncident } from '../../../shared/domain/incidentFactory.ts';
import type { Incident, Unit } from '../../../shared/domain/types.ts';

const inc = (id: string, patch: Partial<Incident> = {}): Incident => ({
  ...openIncident({ id, codePrefix: 'GD', source: 'patrol', text: id, category: null, severity: 'critical', location: [-87.6, 41.8], address: null, placement: null, now: '2026-11-22T08:00:00.000Z' }),
  ...patch,
});

describe('map data', () => {
  it('draws open incidents that have a place, with severity and status', () => {
    const fc = incidentsToGeoJson({ a: inc('a'), b: inc('b', { status: 'closed' }), c: inc('c', { location: null }), d: inc('d', { status: 'on_scene', severity: 'low' }) });
    expect(fc.features.map((f) => f.properties)).toEqual([
      { id: 'a', severity: 'critical', status: 'new' },
      { id: 'd', severity: 'low', status: 'on_scene' },
    ]);
    expect(fc.features[0]!.geometry.coordinates).toEqual([-87.6, 41.8]);
  });

  it('draws units on duty, keyed by id for in-place updates', () => {
    const unit = (id: string, status: Unit['status']): Unit => ({ id, callsign: id, name: { zh: id, en: id }, type: 'sanitation', skills: [], homeDistrictId: 'CA01', status, position: [-87.7, 41.9], positionAt: null });
    const fc = unitsToGeoJson({ u1: unit('u1', 'busy'), u2: unit('u2', 'off_duty') });
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0]).toMatchObject({ id: 'u1', properties: { status: 'busy' } });
  });
});
