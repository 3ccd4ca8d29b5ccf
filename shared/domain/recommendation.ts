// Unit recommendation: rank the units that could take an incident, and say why.
//
// score = 0.40·eta + 0.30·skill + 0.15·load + 0.15·jurisdiction, each factor in [0, 1]:
//   eta          1 / (1 + minutes/10): a unit 10 minutes away scores 0.5, 30 minutes 0.25
//   skill        1 when the unit lists the category, 0.5 when its type is the category's
//                responsible type, else 0 (a unit that cannot do the job is a last resort)
//   load         1 / (1 + open tasks)
//   jurisdiction 1 in the incident's own district, else 0
// Then two multipliers: a busy unit keeps 60% (it can be re-tasked, but a free one should go
// first), and a unit without the skill keeps 25% — a last resort, so that a wrong crew from across
// the city never outranks the right one that is busy nearby. Units off duty are not candidates. Travel time is straight-line distance ÷ the unit type's speed: without a
// road graph that is the honest estimate, and it orders units the same way in a grid city.

import { distanceMeters } from './geo.ts';
import type { Category, Incident, Unit } from './types.ts';

export const RECOMMENDATION_WEIGHTS = { eta: 0.4, skill: 0.3, load: 0.15, jurisdiction: 0.15 } as const;
const BUSY_FACTOR = 0.6;
const NO_SKILL_FACTOR = 0.25;
const DEFAULT_SPEED_KMH = 25;

export interface RecommendationFactors {
  distanceM: number;
  etaMin: number;
  skill: 'listed' | 'unit_type' | 'none';
  openTasks: number;
  ownDistrict: boolean;
  status: Unit['status'];
}

export interface Recommendation {
  unitId: string;
  score: number;
  factors: RecommendationFactors;
}

export interface RecommendationInput {
  incident: Pick<Incident, 'location' | 'category' | 'districtId'>;
  category: Pick<Category, 'code' | 'unitType'> | undefined;
  units: readonly Unit[];
  openTasksByUnit: ReadonlyMap<string, number>;
  speedKmhByType: ReadonlyMap<string, number>;
}

export function recommendUnits(input: RecommendationInput): Recommendation[] {
  const { incident, category, units } = input;
  if (!incident.location) return [];
  const out: Recommendation[] = [];
  for (const unit of units) {
    if (unit.status === 'off_duty') continue;
    const distanceM = distanceMeters(unit.position, incident.location);
    const speed = input.speedKmhByType.get(unit.type) ?? DEFAULT_SPEED_KMH;
    const etaMin = distanceM / 1000 / speed * 60;
    const skill: RecommendationFactors['skill'] =
      incident.category && unit.skills.includes(incident.category) ? 'listed' : category && unit.type === category.unitType ? 'unit_type' : 'none';
    const openTasks = input.openTasksByUnit.get(unit.id) ?? 0;
    const ownDistrict = incident.districtId !== null && unit.homeDistrictId === incident.districtId;
    const w = RECOMMENDATION_WEIGHTS;
    let score =
      w.eta / (1 + etaMin / 10) +
      w.skill * (skill === 'listed' ? 1 : skill === 'unit_type' ? 0.5 : 0) +
      w.load / (1 + openTasks) +
      w.jurisdiction * (ownDistrict ? 1 : 0);
    if (unit.status === 'busy') score *= BUSY_FACTOR;
    if (skill === 'none') score *= NO_SKILL_FACTOR;
    out.push({
      unitId: unit.id,
      score: Math.round(score * 1000) / 1000,
      factors: { distanceM: Math.round(distanceM), etaMin: Math.round(etaMin * 10) / 10, skill, openTasks, ownDistrict, status: unit.status },
    });
  }
  // Ties go to the nearer unit, then to the id, so the order is stable.
  return out.sort((a, b) => b.score - a.score || a.factors.distanceM - b.factors.distanceM || a.unitId.localeCompare(b.unitId));
}
