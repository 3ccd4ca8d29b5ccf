// Backup during ingest: the online backup command copies the embedded database while a server
// takes ~300 events/s; the copy is restored into a fresh data directory, passes its checks, and a
// server started on it serves it and carries on from its last seq.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { LiveClient, getJson, ingest, login, patrolReport } from '../testing/harness.ts';
import { startServerProcess } from '../testing/serverProcess.ts';
import { LoadGenerator } from '../testing/loadGenerator.ts';
import { loadCityReference } from '../services/cityReference.ts';
import { restoreSqlite } from './sqliteBackup.ts';

const run = promisify(execFile);
const COMMAND = path.join(path.dirname(new URL(import.meta.url).pathname), 'backupCommand.ts');

describe('backup and restore of the embedded database', () => {
  it('restores a backup taken during ingest to a consistent, serving state', async () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'city-backup-'));
    const source = await startServerProcess();
    const load = new LoadGenerator([source.url], loadCityReference().sensors, { eventsPerSecond: 300, batch: 15, patrolShare: 0.3, patrol: patrolReport });
    let restored: Awaited<ReturnType<typeof startServerProcess>> | null = null;
    try {
      load.start();
      await load.until(300);
      const file = path.join(work, 'city-backup.db');
      const { stdout } = await run(process.execPath, ['--import', 'tsx', COMMAND, file], { env: { ...process.env, DATA_DIR: source.dataDir } });
      expect(stdout).toMatch(/integrity ok/);
      const ackedAtBackup = load.sentEvents;
      await load.until(ackedAtBackup + 300);
      await load.stop();

      // A second backup to the same file is refused rather than overwriting it.
      await expect(run(process.execPath, ['--import', 'tsx', COMMAND, file], { env: { ...process.env, DATA_DIR: source.dataDir } })).rejects.toThrow();

      const dataDir = path.join(work, 'restored');
      restoreSqlite(file, dataDir);
      const db = new Database(path.join(dataDir, 'city.db'), { readonly: true });
      let head: number;
      let incidents: number;
      try {
        expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
        const log = db.prepare('SELECT COUNT(*) AS n, MIN(seq) AS lo, MAX(seq) AS hi FROM changes').get() as { n: number; lo: number; hi: number };
        head = log.hi;
        // The change log is whole: 1..head, no gap.
        expect(log).toEqual({ n: head, lo: 1, hi: head });
        incidents = (db.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;
        const logged = (db.prepare("SELECT COUNT(DISTINCT json_extract(body, '$.incident.id')) AS n FROM changes WHERE type = 'incident'").get() as { n: number }).n;
        expect(logged).toBe(incidents);
        expect(incidents).toBeGreaterThan(0);
        // Each stored reading came with its key, once; every key is one the source acknowledged.
        const keys = (db.prepare('SELECT source_event_id AS id FROM ingest_keys').all() as { id: string }[]).map((r) => r.id);
        const readings = (db.prepare('SELECT COUNT(*) AS n FROM readings').get() as { n: number }).n;
        expect(readings).toBe((db.prepare("SELECT COUNT(*) AS n FROM ingest_keys WHERE source = 'sensor'").get() as { n: number }).n);
        expect(keys.filter((k) => !load.acknowledged.has(k))).toEqual([]);
        // Taken mid-ingest: it holds some, not all, of what was acknowledged in the end.
        expect(keys.length).toBeLessThan(load.acknowledged.size);
      } finally {
        db.close();
      }

      restored = await startServerProcess({}, dataDir);
      expect((await getJson(restored.url, '/readyz')).status).toBe(200);
      const screen = new LiveClient(restored.url, await login(restored.url, 'supervisor'));
      try {
        await screen.until(() => screen.snapshots.length > 0, 'snapshot');
        expect(screen.snapshots[0]!.seq).toBe(head);
        const more = await ingest(restored.url, [patrolReport()]);
        expect(more.body.results[0].status).toBe('accepted');
        await screen.until(() => screen.lastSeq() > head, 'the next change');
        expect(screen.facts()[0]?.seq).toBe(head + 1);
      } finally {
        screen.close();
      }
      expect(incidents).toBeGreaterThan(0);
    } finally {
      await load.stop();
      await source.stop();
      await restored?.stop();
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});
