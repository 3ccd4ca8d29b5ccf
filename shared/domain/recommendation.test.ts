import { describe, expect, it } from 'vitest';
import { recommendUnits } from './recommendation.ts';
import type { Unit } from './types.ts';

const scene: [number, number] = [-87.6298, 41.8781];
const unit = (id: string, lonOffset: number, patch: Partial<Unit> = {}): Unit => ({
  id,
  callsign: id,
  name: { zh: id, en: id },
  type: 'drainage_crew',
  skills: ['municipal.drainage.waterlogging'],
  homeDistrictId: 'CA32',
  status: 'available',
  position: [scene[0] + lonOffset, scene[1]],
  positionAt: null,
  ...patch,
});

const base = {
  incident: { location: scene, category: 'municipal.drainage.waterlogging', districtId: 'CA32' },
  category: { code: 'municipal.drainage.waterlogging', unitType: 'drainage_crew' },
  openTasksByUnit: new Map<string, number>(),
  speedKmhByType: new Map([['drainage_crew', 30], ['sanitation', 20]]),
};

describe('recommendUnits', () => {
  it('prefers the nearer of two equal units, and explains the distance and ETA', () => {
    const [first, second] = recommendUnits({ ...base, units: [unit('far', 0.03), unit('near', 0.005)] });
    expect(first!.unitId).toBe('near');
    expect(second!.unitId).toBe('far');
    // 0.005° of longitude at 41.88° N is ~414 m; at 30 km/h that is ~0.8 minutes.
    expect(first!.factors.distanceM).toBeGreaterThan(380);
    expect(first!.factors.distanceM).toBeLessThan(450);
    expect(first!.factors.etaMin).toBeCloseTo(0.8, 0);
  });

  it('ranks a skilled unit a little further away above an unskilled one next door', () => {
    const ranked = recommendUnits({
      ...base,
      units: [unit('sweeper', 0.001, { type: 'sanitation', skills: ['environment.sanitation.garbage'] }), unit('drain', 0.01)],
    });
    expect(ranked.map((r) => r.unitId)).toEqual(['drain', 'sweeper']);
    expect(ranked[1]!.factors.skill).toBe('none');
  });

  it('weighs load and jurisdiction, discounts busy units and leaves out those off duty', () => {
    const ranked = recommendUnits({
      ...base,
      openTasksByUnit: new Map([['loaded', 3]]),
      units: [unit('loaded', 0.002), unit('outsider', 0.002, { homeDistrictId: 'CA08' }), unit('busy', 0.001, { status: 'busy' }), unit('home', 0.002), unit('off', 0, { status: 'off_duty' })],
    });
    // Jurisdiction (0.15) outweighs three open tasks (0.15 × 3/4 ≈ 0.11): 属地 first.
    expect(ranked.map((r) => r.unitId)).toEqual(['home', 'loaded', 'outsider', 'busy']);
    expect(ranked.find((r) => r.unitId === 'outsider')!.factors.ownDistrict).toBe(false);
  });

  it('never puts a wrong crew from across the city above the right one busy nearby', () => {
    // Seen in a busy city: every drainage crew had a task, and a road crew 34 km away with no
    // open task came first. A free skilled crew still beats the busy one.
    const ranked = recommendUnits({
      ...base,
      openTasksByUnit: new Map([['busyDrain', 2]]),
      units: [
        unit('farRoad', 0.41, { type: 'sanitation', skills: ['environment.sanitation.garbage'], homeDistrictId: 'CA01' }),
        unit('busyDrain', 0.035, { status: 'busy', homeDistrictId: 'CA08' }),
        unit('freeDrain', 0.12, { homeDistrictId: 'CA08' }),
      ],
    });
    expect(ranked.map((r) => r.unitId)).toEqual(['freeDrain', 'busyDrain', 'farRoad']);
  });
});
