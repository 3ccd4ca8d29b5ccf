// Online backup of the embedded database: SQLite's backup API copies a consistent snapshot page
// by page while the server keeps writing (WAL lets the copy read beside the writer). The copy is
// checked before it is called a backup.

import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';

export interface BackupResult {
  file: string;
  bytes: number;
  /** `ok` when the copy passed PRAGMA integrity_check. */
  integrity: string;
  headSeq: number;
  incidents: number;
}

/** Copy `source` (a live city.db) to `destination`, then verify the copy. */
export async function backupSqlite(source: string, destination: string): Promise<BackupResult> {
  if (!fs.existsSync(source)) throw new Error(`no database at ${source}`);
  if (fs.existsSync(destination)) throw new Error(`${destination} exists; a backup never overwrites`);
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const db = new Database(source, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    await db.backup(`${destination}.partial`);
  } finally {
    db.close();
  }
  // Only a copy that checks out takes the final name.
  const copy = new Database(`${destination}.partial`);
  let result: Omit<BackupResult, 'file' | 'bytes'>;
  try {
    copy.pragma('journal_mode = DELETE');
    const integrity = String(copy.pragma('integrity_check', { simple: true }));
    const head = copy.prepare("SELECT seq FROM sqlite_sequence WHERE name = 'changes'").get() as { seq: number } | undefined;
    const incidents = (copy.prepare('SELECT COUNT(*) AS n FROM incidents').get() as { n: number }).n;
    result = { integrity, headSeq: head?.seq ?? 0, incidents };
  } finally {
    copy.close();
  }
  if (result.integrity !== 'ok') throw new Error(`the copy failed its integrity check: ${result.integrity}`);
  fs.renameSync(`${destination}.partial`, destination);
  return { file: destination, bytes: fs.statSync(destination).size, ...result };
}

/** Put a backup in place as DATA_DIR's database (the server must be stopped). */
export function restoreSqlite(backup: string, dataDir: string): string {
  const target = path.join(dataDir, 'city.db');
  fs.mkdirSync(dataDir, { recursive: true });
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${target}${suffix}`, { force: true });
  fs.copyFileSync(backup, target);
  return target;
}
