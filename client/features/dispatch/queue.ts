// Pure: which incidents wait for a dispatcher, in which order.

import type { Incident, IncidentStatus, Severity } from '../../../shared/domain/types.ts';
import type { Table } from '../../../shared/domain/cityReducer.ts';

export const QUEUE_STATUSES: readonly IncidentStatus[] = ['new', 'triaged'];
export const QUEUE_SORTS = ['severity', 'age', 'district', 'deadline'] as const;
export type QueueSort = (typeof QUEUE_SORTS)[number];

const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3 };

export interface QueueFilter {
  sort: QueueSort;
  district?: string;
  severity?: Severity;
}

/** Parse the queue's filter from the URL, so a dispatcher can save and share a view. */
export function filterFromSearch(search: string): QueueFilter {
  const params = new URLSearchParams(search);
  const sort = params.get('sort');
  const severity = params.get('severity');
  return {
    sort: (QUEUE_SORTS as readonly string[]).includes(sort ?? '') ? (sort as QueueSort) : 'severity',
    ...(params.get('district') ? { district: params.get('district')! } : {}),
    ...(severity && severity in SEVERITY_RANK ? { severity: severity as Severity } : {}),
  };
}

export function searchFromFilter(filter: QueueFilter): string {
  const params = new URLSearchParams({ sort: filter.sort });
  if (filter.district) params.set('district', filter.district);
  if (filter.severity) params.set('severity', filter.severity);
  return `?${params.toString()}`;
}

function dueOrder(incident: Incident): number {
  return incident.deadline?.dueAt ? Date.parse(incident.deadline.dueAt) : Number.MAX_SAFE_INTEGER;
}

export function queueOf(incidents: Table<Incident>, filter: QueueFilter): Incident[] {
  const items = [...incidents.values()].filter(
    (i) =>
      QUEUE_STATUSES.includes(i.status) &&
      (!filter.district || i.districtId === filter.district) &&
      (!filter.severity || i.severity === filter.severity),
  );
  const byAge = (a: Incident, b: Incident) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id);
  const compare: Record<QueueSort, (a: Incident, b: Incident) => number> = {
    // Most urgent first, oldest first within a severity.
    severity: (a, b) => SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || byAge(a, b),
    age: byAge,
    district: (a, b) => (a.districtId ?? '~').localeCompare(b.districtId ?? '~') || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || byAge(a, b),
    // The clock first: the earliest due (overdue ones lead), cases without a running clock last.
    deadline: (a, b) => dueOrder(a) - dueOrder(b) || SEVERITY_RANK[a.severity] - SEVERITY_RANK[b.severity] || byAge(a, b),
  };
  return items.sort(compare[filter.sort]);
}
