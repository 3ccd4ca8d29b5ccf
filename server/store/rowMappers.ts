// Rows → domain records, the same for both stores: each store reads its rows its own way, then
// hands them here, so SQLite and PostgreSQL cannot drift apart in what a record means.

import type { EvaluationRecord } from '../../shared/domain/evaluation.ts';
import type { Incident, Task } from '../../shared/domain/types.ts';
import type { AuditEntry } from './Store.ts';

type Row = Record<string, unknown>;

/** An audit table row as the store's callers see it. */
export function auditEntryOf(r: Row): AuditEntry {
  return {
    id: r.id as number,
    at: r.at as string,
    actorId: r.actor_id as string | null,
    action: r.action as string,
    entity: r.entity as string,
    entityId: r.entity_id as string,
    before: r.before === null ? undefined : (JSON.parse(r.before as string) as unknown),
    after: r.after === null ? undefined : (JSON.parse(r.after as string) as unknown),
    reason: (r.reason as string | null) ?? undefined,
    outcome: ((r.outcome as string | null) ?? 'ok') as AuditEntry['outcome'],
  };
}

/**
 * The facts evaluation needs about one incident, from its tasks and its key timeline entries
 * (rows with `action`, `note` and `to`).
 */
export function evaluationRecord(incident: Incident, tasks: readonly Task[], entries: readonly Row[]): EvaluationRecord {
  const resolvedTasks = tasks.filter((t) => t.status === 'resolved');
  return {
    id: incident.id,
    code: incident.code,
    districtId: incident.districtId,
    gridId: incident.gridId,
    category: incident.category,
    source: incident.source,
    status: incident.status,
    createdAt: incident.createdAt,
    stageAt: incident.stageAt,
    satisfaction: incident.satisfaction,
    callbackResolved: incident.callbackResolved ?? null,
    clock: incident.clock ?? null,
    deadline: incident.deadline ?? null,
    escalationLevel: incident.escalationLevel,
    repeatCount: incident.repeatCount,
    unitIds: [...new Set(tasks.map((t) => t.unitId))],
    returns: entries.filter((e) => e.action === 'return').length,
    // A failed verification sends the case back like a reopen does.
    reopens: entries.filter((e) => e.action === 'reopen' || (e.action === 'verify' && e.to !== 'closed')).length,
    evidence:
      resolvedTasks.some((t) => Boolean(t.photoId) || Boolean(t.note?.trim())) ||
      entries.some((e) => e.action === 'resolve' && typeof e.note === 'string' && e.note.trim() !== ''),
  };
}
