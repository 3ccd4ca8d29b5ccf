import { describe, expect, it } from 'vitest';
import { nearbySensors } from './nearby.ts';
import type { SensorView } from '../../../shared/protocol/changes.ts';
import { tableOf } from '../../../shared/domain/cityReducer.ts';

const sensor = (id: string, dLon: number, level: SensorView['level'] = 'normal'): SensorView => ({
  id, kind: 'water_level', metric: 'water_level', unit: 'cm', location: [-87.63 + dLon, 41.88], districtId: 'CA32', gridId: 'g', intervalSec: 60,
  rule: { direction: 'above', warn: 1, alarm: 2, clear: 1, dwellSec: 0 }, value: 1, at: null, online: true, level,
});

describe('nearby sensors', () => {
  it('lists sensors within the radius, alarms first, then nearest', () => {
    const sensors = Object.fromEntries([sensor('near', 0.001), sensor('nearer', 0.0005), sensor('alarm', 0.004, 'alarm'), sensor('far', 0.02)].map((s) => [s.id, s]));
    expect(nearbySensors(tableOf(sensors), [-87.63, 41.88]).map((n) => n.sensor.id)).toEqual(['alarm', 'nearer', 'near']);
    expect(nearbySensors(tableOf(sensors), null)).toEqual([]);
  });
});
