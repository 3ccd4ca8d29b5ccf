// The server recomputes the city's vital signs every 2 s (MetricsService), and on SQLite its
// queries run on the event loop: while they run, no change reaches a screen. This times the
// store's `metricsInputs` on a city of 10k open cases with today's stage times, with the indexes
// migration 10 adds (deadline light, stage times) and, side by side in the same run, without them.
// Then the heavier aggregates (the day's evaluation every 30 s, yesterday's figures every
// 2 s): how long the event loop stalls while each runs on the store's reader thread, against the
// same query run on the loop (the baseline), on the same file.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../server/store/SqliteStore.ts';
import { evaluationOf, yesterdayInputsOf } from '../server/store/sqliteAggregates.ts';
import { openIncident } from '../shared/domain/incidentFactory.ts';
import type { Incident } from '../shared/domain/types.ts';

export interface VitalsBenchOptions {
  incidents: number;
  rounds: number;
}

const DAY_START = '2026-11-30T00:00:00.000Z';
const NOW = '2026-11-30T18:00:00.000Z';

/** A case as the city has it by evening: a third new, the rest dispatched, some on scene; 1 in 20 red. */
function caseAt(i: number): Incident {
  const created = new Date(Date.parse(DAY_START) + (i % 1000) * 60_000).toISOString();
  const incident = openIncident({ id: `I${i}`, codePrefix: `GD-${i}`, source: 'hotline', text: '路面塌陷，车辆无法通行，请尽快处理', category: 'roads.pothole', severity: 'medium', location: [-87.6 + (i % 100) * 0.001, 41.8 + (i % 77) * 0.001], address: null, placement: null, now: created });
  const light = i % 20 === 0 ? 'red' : i % 7 === 0 ? 'amber' : 'green';
  const dispatched = i % 3 !== 0 ? new Date(Date.parse(created) + 9 * 60_000).toISOString() : null;
  const onScene = dispatched && i % 4 === 1 ? new Date(Date.parse(dispatched) + 25 * 60_000).toISOString() : null;
  return { ...incident, status: onScene ? 'on_scene' : dispatched ? 'dispatched' : 'new', deadline: { stage: 'dispatch', dueAt: created, used: 0.5, light, ...(i % 40 === 0 ? { paused: true } : {}) } as Incident['deadline'], stageAt: { ...(dispatched ? { dispatched } : {}), ...(onScene ? { on_scene: onScene } : {}) } } as Incident;
}

function seed(file: string, count: number): void {
  const db = new Database(file);
  const insert = db.prepare(
    'INSERT INTO incidents (id, code, status, district_id, category, severity, created_at, updated_at, version, data, dispatched_at, on_scene_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)',
  );
  db.transaction(() => {
    for (let i = 0; i < count; i += 1) {
      const c = caseAt(i);
      const stageAt = (c as unknown as { stageAt: Record<string, string> }).stageAt;
      insert.run(c.id, c.code, c.status, 'D01', c.category, c.severity, c.createdAt, c.updatedAt, JSON.stringify(c), stageAt.dispatched ?? null, stageAt.on_scene ?? null);
    }
  })();
  db.close();
}

async function time(file: string, rounds: number) {
  const store = new SqliteStore(file);
  try {
    const samples: number[] = [];
    let overdue = 0;
    for (let r = 0; r < rounds + 3; r += 1) {
      const started = performance.now();
      const inputs = await store.metricsInputs(DAY_START, NOW);
      if (r >= 3) samples.push(performance.now() - started);
      overdue = inputs.overdue ?? 0;
    }
    samples.sort((a, b) => a - b);
    return { p50: samples[Math.floor(samples.length / 2)]!, p95: samples[Math.min(samples.length - 1, Math.floor(samples.length * 0.95))]!, overdue };
  } finally {
    await store.close();
  }
}

// The seeded day stands in for yesterday: the same queries on a full day of cases.
const YESTERDAY = [DAY_START, NOW, '2026-12-01T00:00:00.000Z'] as const;

function percentiles(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { p50: sorted[Math.floor(sorted.length / 2)]!, p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]! };
}

/** The query's wall time and the longest the event loop went without a turn meanwhile. */
async function stallDuring(query: () => Promise<unknown>): Promise<{ wall: number; stall: number }> {
  const started = performance.now();
  let last = started;
  let stall = 0;
  let done = false;
  const turn = () => {
    const now = performance.now();
    stall = Math.max(stall, now - last);
    last = now;
    if (!done) setImmediate(turn);
  };
  setImmediate(turn);
  await query();
  done = true;
  const end = performance.now();
  return { wall: end - started, stall: Math.max(stall, end - last) };
}

async function stalls(rounds: number, query: () => Promise<unknown>) {
  const wall: number[] = [];
  const stall: number[] = [];
  for (let r = 0; r < rounds + 3; r += 1) {
    const t = await stallDuring(query);
    if (r < 3) continue;
    wall.push(t.wall);
    stall.push(t.stall);
  }
  return { wall: percentiles(wall), stall: percentiles(stall) };
}

/** The day's evaluation records and yesterday's figures: on the reader thread, and on the loop. */
async function offLoop(file: string, rounds: number) {
  const store = new SqliteStore(file);
  const db = new Database(file, { readonly: true });
  try {
    const day = { from: DAY_START, to: NOW };
    const records = (await store.evaluationRecords(day)).length;
    return {
      records,
      evaluation: {
        reader: await stalls(rounds, () => store.evaluation(day, NOW)),
        loop: await stalls(rounds, async () => evaluationOf(db, day, NOW)),
      },
      yesterday: {
        reader: await stalls(rounds, () => store.yesterdayInputs(...YESTERDAY)),
        loop: await stalls(rounds, async () => yesterdayInputsOf(db, ...YESTERDAY)),
      },
    };
  } finally {
    db.close();
    await store.close();
  }
}

export async function vitalsBench(o: VitalsBenchOptions) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-vitals-'));
  const file = path.join(dir, 'city.db');
  try {
    await new SqliteStore(file).close();
    seed(file, o.incidents);
    const aggregates = await offLoop(file, Math.min(o.rounds, 20));
    const indexed = await time(file, o.rounds);
    const db = new Database(file);
    db.exec('DROP INDEX incidents_deadline_light; DROP INDEX incidents_created_stages;');
    db.close();
    const plain = await time(file, o.rounds);
    return { incidents: o.incidents, rounds: o.rounds, indexed, plain, aggregates };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
