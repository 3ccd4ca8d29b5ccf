// The server recomputes the city's vital signs every 2 s (MetricsService), and on SQLite its
// queries run on the event loop: while they run, no change reaches a screen. This times the
// store's `metricsInputs` on a city of 10k open cases with today's stage times, with the indexes
// migration 10 adds (deadline light, stage times) and, side by side in the same run, without them.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { SqliteStore } from '../server/store/SqliteStore.ts';
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

export async function vitalsBench(o: VitalsBenchOptions) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-vitals-'));
  const file = path.join(dir, 'city.db');
  try {
    await new SqliteStore(file).close();
    seed(file, o.incidents);
    const indexed = await time(file, o.rounds);
    const db = new Database(file);
    db.exec('DROP INDEX incidents_deadline_light; DROP INDEX incidents_created_stages;');
    db.close();
    const plain = await time(file, o.rounds);
    return { incidents: o.incidents, rounds: o.rounds, indexed, plain };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
