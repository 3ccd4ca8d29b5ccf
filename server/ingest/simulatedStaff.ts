// The center's staff as the demo plays them: who they are, and the triage step they all take the
// same way. Used by the live simulator and by the player of the demo city's past.

import type { Actor, Incident, Unit } from '../../shared/domain/types.ts';
import type { CityReference } from '../services/cityReference.ts';
import type { IncidentService } from '../services/incidents.ts';

export const SIM_DISPATCHER: Actor = { id: 'sim:dispatcher', role: 'dispatcher' };
export const SIM_SUPERVISOR: Actor = { id: 'sim:supervisor', role: 'supervisor' };

export function simOfficerOf(unit: Pick<Unit, 'id' | 'homeDistrictId'>): Actor {
  return { id: `sim:officer:${unit.id}`, role: 'officer', unitId: unit.id, districtId: unit.homeDistrictId };
}

/** The category whose sample texts contain the caller's words (the simulated calls use them). */
export function categoryOfText(city: CityReference, text: string): string {
  for (const c of city.categories.values()) if (c.samples.zh.includes(text) || c.samples.en.includes(text)) return c.code;
  return [...city.categories.keys()][0]!;
}

/** Triage a new case (category from the call's text when the caller gave none); others pass through. */
export async function triageIfNew(service: IncidentService, city: CityReference, incident: Incident, now: Date): Promise<Incident | null> {
  if (incident.status !== 'new') return incident;
  const category = incident.category ?? categoryOfText(city, incident.text);
  const severity = incident.category ? incident.severity : (city.categories.get(category)?.defaultSeverity ?? incident.severity);
  const triaged = await service.act(incident.id, { action: 'triage', version: incident.version, category, severity }, SIM_DISPATCHER, now);
  return triaged.ok ? triaged.value : null;
}
