// Kill test: a server ingesting ~1,000 events/s from a client that retries until acknowledged is
// killed with SIGKILL several times and restarted on the same data. Afterwards every acknowledged
// event is stored exactly once and the database passes its integrity check.
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../testing/serverProcess.ts';
import { loadCityReference } from '../services/cityReference.ts';

const sensors = loadCityReference().sensors;
const KILLS = 3;
const BATCH = 50;

describe('durability under SIGKILL', () => {
  it('keeps every acknowledged event exactly once across kills and restarts', async () => {
    let server: ServerProcess = await startServerProcess();
    const dataDir = server.dataDir;
    const acknowledged = new Set<string>();
    let sent = 0;

    /** Post one batch until some server acknowledges it; a killed server means try again. */
    async function deliver(events: object[], ids: string[]): Promise<void> {
      for (;;) {
        try {
          const res = await fetch(`${server.url}/api/ingest/events`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' },
            body: JSON.stringify({ events }),
          });
          if (res.status === 200) {
            const body = (await res.json()) as { results: { status: string }[] };
            body.results.forEach((r, k) => {
              if (r.status === 'accepted' || r.status === 'duplicate') acknowledged.add(ids[k]!);
            });
            return;
          }
        } catch {
          // Connection refused or reset: the server is down; the restart below brings it back.
        }
        await restarting;
      }
    }

    let restarting: Promise<void> = Promise.resolve();
    for (let round = 0; round <= KILLS; round += 1) {
      // ~1,000 events/s: 20 batches of 50 a second, several in flight, for a little while per round.
      const inflight: Promise<void>[] = [];
      for (let b = 0; b < 40; b += 1) {
        const ids: string[] = [];
        const events = Array.from({ length: BATCH }, (_, k) => {
          const sensor = sensors[(sent + k) % sensors.length]!;
          const id = `kill-${sent + k}`;
          ids.push(id);
          return { source: 'sensor', sourceEventId: id, occurredAt: new Date().toISOString(), payload: { sensorId: sensor.id, metric: sensor.metric, value: 1 } };
        });
        sent += BATCH;
        inflight.push(deliver(events, ids));
        if (inflight.length % 4 === 0) await new Promise((resolve) => setImmediate(resolve));
        if (round < KILLS && b === 25) {
          // Kill mid-stream, with requests in flight, then start again on the same data.
          const victim = server;
          restarting = (async () => {
            await victim.kill('SIGKILL');
            server = await startServerProcess({}, dataDir);
          })();
        }
      }
      await restarting;
      await Promise.all(inflight);
    }
    await server.kill('SIGTERM');

    const db = new Database(path.join(dataDir, 'city.db'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const stored = new Set((db.prepare("SELECT source_event_id AS id FROM ingest_keys WHERE source = 'sensor'").all() as { id: string }[]).map((r) => r.id));
      const missing = [...acknowledged].filter((id) => !stored.has(id));
      expect(missing).toEqual([]);
      // Exactly once: one raw reading per stored key.
      const readings = (db.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n;
      expect(readings).toBe(stored.size);
      expect(acknowledged.size).toBe(sent);
    } finally {
      db.close();
      await server.stop();
    }
  }, 120_000);
});
