// The live feed: the newest incident events, derived from the changes as they are applied.

import type { Change } from '../../../shared/protocol/changes.ts';
import type { Incident, IncidentStatus, Severity } from '../../../shared/domain/types.ts';

export const FEED_LIMIT = 50;

export interface FeedItem {
  key: string;
  incidentId: string;
  code: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  /** True for a newly reported incident, false for a change of state. */
  created: boolean;
  districtId: string | null;
  category: string | null;
  at: string;
}

function itemOf(incident: Incident, seq: number): FeedItem {
  return {
    key: `${incident.id}:${seq}`,
    incidentId: incident.id,
    code: incident.code,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    created: incident.version === 1,
    districtId: incident.districtId,
    category: incident.category,
    at: incident.updatedAt,
  };
}

/** New feed = the batch's incident changes, newest first, ahead of the old feed, capped. */
export function feedAfter(feed: FeedItem[], changes: readonly Change[], limit = FEED_LIMIT): FeedItem[] {
  const fresh: FeedItem[] = [];
  for (const change of changes) if (change.type === 'incident') fresh.push(itemOf(change.incident, change.seq));
  if (fresh.length === 0) return feed;
  fresh.reverse();
  return [...fresh, ...feed].slice(0, limit);
}

/** The feed a screen starts with: the most recently updated incidents of the snapshot. */
export function feedFromIncidents(incidents: readonly Incident[], limit = 20): FeedItem[] {
  return [...incidents]
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))
    .slice(0, limit)
    .map((incident) => itemOf(incident, incident.version));
}
