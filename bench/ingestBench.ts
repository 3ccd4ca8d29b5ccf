// S1: ingest throughput. HTTP batches of sensor readings mixed with hotline calls and patrol
// reports, durably committed by the real server (a child process), against — in the same run —
// the raw rate of inserting the same rows straight into a database with the same settings.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { loadCityReference } from '../server/services/cityReference.ts';
import { MIGRATIONS } from '../server/store/migrations.ts';
import { GENESIS_HASH, auditHash } from '../server/store/auditChain.ts';
import { startServerProcess } from '../server/testing/serverProcess.ts';

export interface IngestBenchOptions {
  durationSec: number;
  batchSize: number;
  concurrency: number;
}

const city = loadCityReference();
const categories = [...city.categories.keys()];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** One batch of the mix: 90% readings, 7% calls, 3% reports. */
function makeBatch(prefix: string, size: number, now: string) {
  return Array.from({ length: size }, (_, i) => {
    const r = (i * 7919) % 100;
    const sourceEventId = `${prefix}-${i}`;
    if (r < 90) {
      const sensor = city.sensors[(i * 31) % city.sensors.length]!;
      return { source: 'sensor', sourceEventId, occurredAt: now, payload: { sensorId: sensor.id, metric: sensor.metric, value: 1 + (i % 7) } };
    }
    const place = city.addresses[i % city.addresses.length]!;
    if (r < 97) {
      return {
        source: 'hotline',
        sourceEventId,
        occurredAt: now,
        payload: { callId: sourceEventId, caller: { name: '王伟', phone: '13800001111' }, text: '路面积水，车辆难以通行。', location: place.location, wantsCallback: true },
      };
    }
    return { source: 'patrol', sourceEventId, occurredAt: now, payload: { category: categories[i % categories.length]!, text: '巡查发现井盖破损', location: place.location } };
  });
}

async function httpRun(options: IngestBenchOptions) {
  const server = await startServerProcess();
  try {
    const deadline = Date.now() + options.durationSec * 1000;
    const latencies: number[] = [];
    let events = 0;
    let rejected = 0;
    let batchNo = 0;
    const cpuStart = server.cpuSeconds();
    const started = Date.now();
    const worker = async () => {
      while (Date.now() < deadline) {
        const batch = makeBatch(`b${batchNo++}`, options.batchSize, new Date().toISOString());
        const t0 = performance.now();
        const res = await fetch(`${server.url}/api/ingest/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' },
          body: JSON.stringify({ events: batch }),
        });
        const body = (await res.json()) as { results: { status: string }[] };
        latencies.push(performance.now() - t0);
        events += body.results.filter((r) => r.status === 'accepted').length;
        rejected += body.results.filter((r) => r.status === 'rejected').length;
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    const seconds = (Date.now() - started) / 1000;
    const cpu = server.cpuSeconds() - cpuStart;
    latencies.sort((a, b) => a - b);
    return {
      eventsPerSec: events / seconds,
      events,
      rejected,
      p50BatchMs: percentile(latencies, 50),
      p99BatchMs: percentile(latencies, 99),
      serverCpuPctOfCore: (cpu / seconds) * 100,
    };
  } finally {
    await server.stop();
  }
}

/** The same rows the server writes, inserted directly: the database's ceiling on this machine. */
function rawRun(options: IngestBenchOptions, durationSec: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-raw-'));
  const db = new Database(path.join(dir, 'raw.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(MIGRATIONS.map((m) => m.sql).join('\n'));
  const key = db.prepare('INSERT INTO ingest_keys (source, source_event_id, incident_id) VALUES (?, ?, ?)');
  const reading = db.prepare('INSERT INTO readings (sensor_id, metric, value, at) VALUES (?, ?, ?, ?)');
  const rollup = db.prepare(
    `INSERT INTO readings_1m (sensor_id, minute, n, sum, min, max) VALUES (?, substr(?, 1, 16), 1, ?, ?, ?)
     ON CONFLICT(sensor_id, minute) DO UPDATE SET n = n + 1, sum = sum + excluded.sum, min = MIN(min, excluded.min), max = MAX(max, excluded.max)`,
  );
  const latest = db.prepare(
    'INSERT INTO sensor_latest (sensor_id, value, at, level, online) VALUES (?, ?, ?, ?, 1) ON CONFLICT(sensor_id) DO UPDATE SET value = excluded.value, at = excluded.at',
  );
  const event = db.prepare('INSERT INTO events (source, source_event_id, occurred_at, received_at, incident_id, payload) VALUES (?, ?, ?, ?, ?, ?)');
  const incident = db.prepare(
    'INSERT INTO incidents (id, code, status, district_id, category, severity, created_at, updated_at, version, data, deadline_next_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)',
  );
  const timeline = db.prepare('INSERT INTO timeline (incident_id, data) VALUES (?, ?)');
  // The store's audit row: numbered and hash-chained to the one before (the same function computes it).
  const audit = db.prepare(
    `INSERT INTO audit (id, at, actor_id, action, entity, entity_id, before, after, reason, outcome, prev_hash, hash)
     VALUES (@id, @at, @actorId, @action, @entity, @entityId, @before, @after, @reason, @outcome, @prevHash, @hash)`,
  );
  let prevHash = GENESIS_HASH;
  let auditId = 0;
  const change = db.prepare('INSERT INTO changes (at, type, district_id, body) VALUES (?, ?, ?, ?)');
  let events = 0;
  let batchNo = 0;
  const started = Date.now();
  const deadline = started + durationSec * 1000;
  const insertBatch = db.transaction((batch: ReturnType<typeof makeBatch>, now: string) => {
    for (const e of batch) {
      if (e.source === 'sensor') {
        const p = e.payload as { sensorId: string; metric: string; value: number };
        key.run('sensor', e.sourceEventId, null);
        reading.run(p.sensorId, p.metric, p.value, now);
        rollup.run(p.sensorId, now, p.value, p.value, p.value);
        latest.run(p.sensorId, p.value, now, 'normal');
      } else {
        const id = randomUUID();
        const data = JSON.stringify({ id, ...e.payload });
        key.run(e.source, e.sourceEventId, id);
        event.run(e.source, e.sourceEventId, now, now, id, JSON.stringify(e.payload));
        incident.run(id, `GD-${e.sourceEventId}`, 'new', 'CA32', null, 'medium', now, now, data, now);
        timeline.run(id, '{}');
        auditId += 1;
        const row = { id: auditId, at: now, actorId: `source:${e.source}`, action: 'create', entity: 'incident', entityId: id, before: null, after: null, reason: null, outcome: 'ok' };
        const hash = auditHash(prevHash, row);
        audit.run({ ...row, prevHash, hash });
        prevHash = hash;
        change.run(now, 'incident', 'CA32', data);
      }
    }
  });
  while (Date.now() < deadline) {
    const now = new Date().toISOString();
    insertBatch.immediate(makeBatch(`r${batchNo++}`, options.batchSize, now), now);
    events += options.batchSize;
  }
  const seconds = (Date.now() - started) / 1000;
  db.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return { eventsPerSec: events / seconds, events };
}

export async function ingestBench(options: IngestBenchOptions) {
  const raw = rawRun(options, Math.min(10, options.durationSec));
  const http = await httpRun(options);
  return {
    scenario: 'S1 ingest',
    options,
    http,
    raw,
    ratio: http.eventsPerSec / raw.eventsPerSec,
    targets: { eventsPerSec: 10_000, ratio: 0.4 },
  };
}
