// The reader thread: the store's aggregates answered on a connection of its own. The Store
// contract (store.test.ts) runs them through it on a file; these cover its failures.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteReader } from './sqliteReader.ts';
import { SqliteStore } from './SqliteStore.ts';

const YESTERDAY = { name: 'yesterdayInputs', args: ['2026-11-29T16:00:00.000Z', '2026-11-30T08:00:00.000Z', '2026-11-30T16:00:00.000Z'] } as const;

describe('SqliteReader', () => {
  const dirs: string[] = [];
  const readers: SqliteReader[] = [];
  const fileIn = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-reader-'));
    dirs.push(dir);
    return path.join(dir, 'city.db');
  };
  const readerOf = (file: string) => {
    const reader = new SqliteReader(file);
    readers.push(reader);
    return reader;
  };
  afterEach(async () => {
    for (const reader of readers.splice(0)) await reader.close();
    for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rejects a query that fails with its message, and answers the next one', async () => {
    const file = fileIn();
    new Database(file).close();
    const reader = readerOf(file);
    await expect(reader.run({ ...YESTERDAY, args: [...YESTERDAY.args] })).rejects.toThrow(/no such table: incidents/);
    await new SqliteStore(file).close();
    await expect(reader.run({ ...YESTERDAY, args: [...YESTERDAY.args] })).resolves.toMatchObject({ newToday: 0, callsToday: 0 });
  });

  it('replaces a thread that could not start: the database file appears later', async () => {
    const file = fileIn();
    const reader = readerOf(file);
    await expect(reader.run({ ...YESTERDAY, args: [...YESTERDAY.args] })).rejects.toThrow();
    const store = new SqliteStore(file);
    await expect(reader.run({ ...YESTERDAY, args: [...YESTERDAY.args] })).resolves.toMatchObject({ newToday: 0, createdPerMinute: [] });
    await store.close();
  });

  it('refuses queries once closed', async () => {
    const reader = readerOf(fileIn());
    await reader.close();
    await expect(reader.run({ ...YESTERDAY, args: [...YESTERDAY.args] })).rejects.toThrow(/closed/);
  });

  it('is not used by an in-memory store, whose connection is its own', async () => {
    const store = new SqliteStore(':memory:');
    await expect(store.yesterdayInputs(...YESTERDAY.args)).resolves.toMatchObject({ newToday: 0, dispatchMinutes: [] });
    await store.close();
  });
});
