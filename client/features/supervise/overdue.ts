// Pure: which cases the supervisor must chase — overdue (red) or escalated (督办) — most urgent first.

import type { Incident } from '../../../shared/domain/types.ts';
import type { Table } from '../../../shared/domain/cityReducer.ts';

const OPEN = new Set(['new', 'triaged', 'dispatched', 'accepted', 'on_scene', 'resolved']);

export function overdueList(incidents: Table<Incident>): Incident[] {
  return [...incidents.values()]
    .filter((i) => OPEN.has(i.status) && (i.escalationLevel > 0 || i.deadline?.light === 'red'))
    .sort((a, b) => b.escalationLevel - a.escalationLevel || (a.deadline?.dueAt ?? '~').localeCompare(b.deadline?.dueAt ?? '~') || a.id.localeCompare(b.id));
}

/** Cases whose clock is stopped by a suspension that only a supervisor can lift. */
export function suspendedList(incidents: Table<Incident>): Incident[] {
  return [...incidents.values()].filter((i) => OPEN.has(i.status) && (i.pauses ?? []).some((p) => p.kind === 'suspension' && p.to === null));
}
