// The store's heavy read-only aggregates on SQLite, as plain functions of a connection: the store
// runs them on its own connection for an in-memory database, and a reader thread runs them on a
// read-only connection of its own for a file (see sqliteReader.ts), off the server's event loop.

import type Database from 'better-sqlite3';
import { OVERDUE_STATUSES, evaluate, evaluateBy, type Evaluation, type EvaluationRecord, type EvaluationRow, type GroupBy } from '../../shared/domain/evaluation.ts';
import type { Incident, Task } from '../../shared/domain/types.ts';
import { evaluationRecord } from './rowMappers.ts';
import type { EvaluationFilter, OverdueFilter, YesterdayInputs } from './Store.ts';

type Row = Record<string, unknown>;

/**
 * The district and the category (it or anything below it in the tree: a LIKE on the code and its
 * dot) a filter names, as conditions on the incidents table under `alias`.
 */
function placeWhere(alias: string, filter: { districtId?: string; category?: string }, where: string[], params: unknown[]): void {
  if (filter.districtId) {
    where.push(`${alias}district_id = ?`);
    params.push(filter.districtId);
  }
  if (filter.category) {
    where.push(`(${alias}category = ? OR ${alias}category LIKE ? ESCAPE '\\')`);
    params.push(filter.category, `${filter.category.replace(/[\\%_]/g, '\\$&')}.%`);
  }
}

export function evaluationRecordsOf(db: Database.Database, filter: EvaluationFilter): EvaluationRecord[] {
  const where = ['i.created_at >= ?', 'i.created_at < ?', "i.status != 'merged'"];
  const params: unknown[] = [filter.from, filter.to];
  placeWhere('i.', filter, where, params);
  const cohort = where.join(' AND ');
  // Three set queries (incidents, their tasks, the timeline entries that matter), not two per
  // incident, in one read transaction so they see the same moment.
  const records = db.transaction(() => {
    const incidents = (db.prepare(`SELECT i.data FROM incidents i WHERE ${cohort} ORDER BY i.created_at, i.id`).all(...params) as Row[]).map(
      (r) => JSON.parse(r.data as string) as Incident,
    );
    const tasksBy = new Map<string, Task[]>();
    for (const r of db.prepare(`SELECT t.incident_id, t.data FROM tasks t JOIN incidents i ON i.id = t.incident_id WHERE ${cohort} ORDER BY t.rowid`).all(...params) as Row[]) {
      const list = tasksBy.get(r.incident_id as string) ?? [];
      list.push(JSON.parse(r.data as string) as Task);
      tasksBy.set(r.incident_id as string, list);
    }
    const entriesBy = new Map<string, Row[]>();
    const entryRows = db
      .prepare(
        `SELECT tl.incident_id, json_extract(tl.data, '$.action') AS action, json_extract(tl.data, '$.note') AS note, json_extract(tl.data, '$.to') AS "to"
         FROM timeline tl JOIN incidents i ON i.id = tl.incident_id
         WHERE ${cohort} AND json_extract(tl.data, '$.action') IN ('return', 'reopen', 'verify', 'resolve') ORDER BY tl.id`,
      )
      .all(...params) as Row[];
    for (const r of entryRows) {
      const list = entriesBy.get(r.incident_id as string) ?? [];
      list.push(r);
      entriesBy.set(r.incident_id as string, list);
    }
    return incidents.map((incident) => evaluationRecord(incident, tasksBy.get(incident.id) ?? [], entriesBy.get(incident.id) ?? []));
  })();
  return filter.unitId ? records.filter((r) => r.unitIds.includes(filter.unitId!)) : records;
}

/** The records' evaluation, so that only the figures cross back from the reader thread. */
export function evaluationOf(db: Database.Database, filter: EvaluationFilter, now: string): Evaluation {
  return evaluate(evaluationRecordsOf(db, filter), now);
}

export function evaluationTableOf(db: Database.Database, filter: EvaluationFilter, by: GroupBy, now: string): EvaluationRow[] {
  return evaluateBy(evaluationRecordsOf(db, filter), by, now);
}

export function yesterdayInputsOf(db: Database.Database, dayStart: string, sameTime: string, dayEnd: string): YesterdayInputs {
  return db.transaction(() => {
    const count = (sql: string) => (db.prepare(sql).get(dayStart, sameTime) as Row).n as number;
    const minutes = (sql: string) => (db.prepare(sql).all(dayStart, sameTime) as Row[]).map((r) => r.m as number);
    const perMinute = db
      .prepare('SELECT substr(created_at, 1, 16) AS minute, COUNT(*) AS n FROM incidents WHERE created_at >= ? AND created_at < ? GROUP BY minute')
      .all(dayStart, dayEnd) as Row[];
    return {
      newToday: count('SELECT COUNT(*) AS n FROM incidents WHERE created_at >= ? AND created_at < ?'),
      callsToday: count("SELECT COUNT(*) AS n FROM events WHERE source = 'hotline' AND received_at >= ? AND received_at < ?"),
      // Stages reached by the same time of day: a dispatch after it had not happened yet.
      dispatchMinutes: minutes(
        'SELECT (julianday(dispatched_at) - julianday(created_at)) * 1440 AS m FROM incidents WHERE created_at >= ? AND dispatched_at IS NOT NULL AND dispatched_at < ?',
      ),
      arriveMinutes: minutes(
        'SELECT (julianday(on_scene_at) - julianday(dispatched_at)) * 1440 AS m FROM incidents WHERE created_at >= ? AND on_scene_at IS NOT NULL AND dispatched_at IS NOT NULL AND on_scene_at < ?',
      ),
      createdPerMinute: perMinute.map((r) => ({ minute: `${r.minute as string}:00.000Z`, count: r.n as number })),
    };
  })();
}

export function overdueCountOf(db: Database.Database, filter: OverdueFilter, now: string): number {
  const where = [
    `status IN (${OVERDUE_STATUSES.map(() => '?').join(',')})`,
    // ISO instants in one format compare as text.
    "json_extract(data, '$.deadline.dueAt') <= ?",
    "json_extract(data, '$.deadline.paused') IS NOT 1",
  ];
  const params: unknown[] = [...OVERDUE_STATUSES, now];
  placeWhere('', filter, where, params);
  if (filter.unitId) {
    where.push("json_extract(data, '$.unitId') = ?");
    params.push(filter.unitId);
  }
  return (db.prepare(`SELECT COUNT(*) AS n FROM incidents WHERE ${where.join(' AND ')}`).get(...params) as Row).n as number;
}

/** What a reader thread answers: the aggregates above by name, with their arguments. */
export type AggregateQuery =
  | { name: 'evaluationRecords'; args: [EvaluationFilter] }
  | { name: 'evaluation'; args: [EvaluationFilter, string] }
  | { name: 'evaluationTable'; args: [EvaluationFilter, GroupBy, string] }
  | { name: 'yesterdayInputs'; args: [string, string, string] }
  | { name: 'overdueCount'; args: [OverdueFilter, string] };

export function runAggregate(db: Database.Database, query: AggregateQuery): unknown {
  switch (query.name) {
    case 'evaluationRecords':
      return evaluationRecordsOf(db, ...query.args);
    case 'evaluation':
      return evaluationOf(db, ...query.args);
    case 'evaluationTable':
      return evaluationTableOf(db, ...query.args);
    case 'yesterdayInputs':
      return yesterdayInputsOf(db, ...query.args);
    case 'overdueCount':
      return overdueCountOf(db, ...query.args);
  }
}
