// How an incoming report becomes a new incident (工单). Pure: ids, time and placement are inputs.

import type { Placement } from './geo.ts';
import type { EventSource, Incident, LonLat, Severity } from './types.ts';

export interface NewIncidentInput {
  id: string;
  /** Prefix of the human code, e.g. "GD-20261122"; the store appends the day's counter. */
  codePrefix: string;
  source: EventSource;
  text: string;
  title?: string;
  category: string | null;
  severity: Severity;
  location: LonLat | null;
  address: string | null;
  placement: Placement | null;
  now: string;
}

const TITLE_MAX = 40;

/** A short title from the first sentence of the text. */
export function titleFrom(text: string): string {
  const first = text.trim().split(/(?<=[。！？.!?])\s*/u)[0] ?? text;
  const chars = [...first];
  return chars.length > TITLE_MAX ? `${chars.slice(0, TITLE_MAX - 1).join('')}…` : first;
}

export function openIncident(input: NewIncidentInput): Incident {
  return {
    id: input.id,
    code: input.codePrefix,
    title: input.title?.trim() || titleFrom(input.text),
    text: input.text,
    category: input.category,
    severity: input.severity,
    location: input.location,
    address: input.address,
    districtId: input.placement?.districtId ?? null,
    streetId: input.placement?.streetId ?? null,
    gridId: input.placement?.gridId ?? null,
    status: 'new', // every report waits for a dispatcher's triage
    source: input.source,
    repeatCount: 0,
    parentId: null,
    escalationLevel: 0,
    version: 1,
    createdAt: input.now,
    updatedAt: input.now,
    stageAt: { new: input.now },
    unitId: null,
    satisfaction: null,
  };
}
