// Recommendation and duplicate scoring on the demo city's real units, categories and places,
// with the expected order spelled out.
import { describe, expect, it } from 'vitest';
import { loadCityReference, unitFromFixture } from './cityReference.ts';
import { recommendUnits } from '../../shared/domain/recommendation.ts';
import { scoreDuplicates } from '../../shared/domain/duplicates.ts';
import { openIncident } from '../../shared/domain/incidentFactory.ts';
import type { Incident, LonLat } from '../../shared/domain/types.ts';

const city = loadCityReference();
const units = city.units.map(unitFromFixture);
const speeds = new Map(city.unitTypes.map((t) => [t.type, t.speedKmh]));

function incidentAt(id: string, location: LonLat, category: string, text: string, minutesAgo = 0): Incident {
  return openIncident({
    id,
    codePrefix: 'GD',
    source: 'hotline',
    text,
    category,
    severity: 'high',
    location,
    address: null,
    placement: city.gridIndex.locate(location),
    now: new Date(Date.parse('2026-11-22T15:00:00.000Z') - minutesAgo * 60_000).toISOString(),
  });
}

describe('unit recommendation on the demo city', () => {
  it('puts an available skilled unit of the district first, explains why, and leaves off-duty units out', () => {
    // A drainage problem right where some drainage-skilled unit stands.
    const drainer = units.find((u) => u.status === 'available' && u.skills.includes('municipal.drainage.blocked_drain'))!;
    const incident = incidentAt('i1', drainer.position, 'municipal.drainage.blocked_drain', '雨水口堵塞');
    const ranked = recommendUnits({ incident, category: city.categories.get('municipal.drainage.blocked_drain'), units, openTasksByUnit: new Map(), speedKmhByType: speeds });
    expect(ranked[0]).toMatchObject({ unitId: drainer.id, factors: { skill: 'listed', distanceM: 0, ownDistrict: true } });
    // Everything ranked after it is further, less skilled, or out of district: never a better score.
    for (const r of ranked.slice(1)) expect(r.score).toBeLessThanOrEqual(ranked[0]!.score);
    expect(ranked.some((r) => units.find((u) => u.id === r.unitId)!.status === 'off_duty')).toBe(false);
    // Skilled units come before unskilled ones at a similar distance: the first unskilled unit
    // ranks below every skilled unit within 2 km.
    const firstUnskilled = ranked.findIndex((r) => r.factors.skill === 'none');
    const nearSkilled = ranked.filter((r) => r.factors.skill === 'listed' && r.factors.distanceM < 2000);
    for (const r of nearSkilled) expect(ranked.indexOf(r)).toBeLessThan(firstUnskilled);
  });
});

describe('duplicate scoring on the demo city', () => {
  it('finds a second call about the same crossing and not one across town', () => {
    const [here, there] = [city.addresses[0]!, city.addresses.find((a) => a.districtId !== city.addresses[0]!.districtId)!];
    const first = incidentAt('a', here.location, 'municipal.drainage.waterlogging', `${here.name}路口积水很深，车辆无法通行`, 30);
    const across = incidentAt('b', there.location, 'municipal.drainage.waterlogging', `${there.name}路口积水很深`, 10);
    const again = incidentAt('c', [here.location[0] + 0.0005, here.location[1]], 'municipal.drainage.waterlogging', `${here.name}积水很深，车过不去`);
    const ranked = scoreDuplicates(again, [first, across], 300);
    expect(ranked.map((r) => r.incidentId)).toEqual(['a']);
    expect(ranked[0]!.factors.distanceM).toBeLessThan(60);
    expect(ranked[0]!.score).toBeGreaterThan(0.7);
  });
});
