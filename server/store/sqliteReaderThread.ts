// The reader thread's body: a read-only connection to the store's file, answering aggregate
// queries by id. WAL lets it read while the server's connection writes; each query sees the
// last commit before it began.

import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { runAggregate, type AggregateQuery } from './sqliteAggregates.ts';

const db = new Database((workerData as { file: string }).file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');

parentPort!.on('message', ({ id, query }: { id: number; query: AggregateQuery }) => {
  try {
    parentPort!.postMessage({ id, result: runAggregate(db, query) });
  } catch (error) {
    parentPort!.postMessage({ id, error: (error as Error).message });
  }
});
