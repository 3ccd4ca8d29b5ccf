// Runs the store's heavy aggregates (evaluations and their tables, yesterday's figures; see
// sqliteAggregates.ts) on a thread of their own: on SQLite a query blocks the thread that runs it, and the server's event
// loop is the one that sends every live change (BENCHMARKS.md: heavy aggregates off the loop).
// A query that fails in the thread is rejected with its message; a thread that dies is replaced
// at the next query, so a bad moment costs those queries, not the vital signs for good.

import { Worker } from 'node:worker_threads';
import type { AggregateQuery } from './sqliteAggregates.ts';

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/**
 * The thread's entry: it loads TypeScript as the server does (Node does not carry the server's
 * TypeScript loader into a worker, nor a test runner's), then the thread's module.
 */
function threadSource(): string {
  const loader = import.meta.resolve('tsx/esm/api');
  const entry = new URL('./sqliteReaderThread.ts', import.meta.url).href;
  return `import(${JSON.stringify(loader)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry)}); });`;
}

/** A running thread and the queries it owes: a thread that dies fails only its own. */
interface Thread {
  worker: Worker;
  pending: Map<number, Pending>;
}

export class SqliteReader {
  private thread: Thread | null = null;
  private nextId = 1;
  private closed = false;

  constructor(private readonly file: string) {}

  run<T>(query: AggregateQuery): Promise<T> {
    if (this.closed) return Promise.reject(new Error('store closed'));
    const { worker, pending } = this.thread ?? this.start();
    const id = this.nextId++;
    // A query waiting on the thread keeps the process alive, as one on the main thread would.
    worker.ref();
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      worker.postMessage({ id, query });
    });
  }

  private start(): Thread {
    const worker = new Worker(threadSource(), { eval: true, workerData: { file: this.file } });
    const thread: Thread = { worker, pending: new Map() };
    // Idle, the thread must not keep a finished process alive.
    worker.unref();
    worker.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: string }) => {
      const waiting = thread.pending.get(id);
      if (!waiting) return;
      thread.pending.delete(id);
      if (error !== undefined) waiting.reject(new Error(error));
      else waiting.resolve(result);
      if (thread.pending.size === 0) worker.unref();
    });
    const fail = (error: Error) => {
      if (this.thread === thread) this.thread = null;
      for (const waiting of thread.pending.values()) waiting.reject(error);
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`reader thread exited (${code})`)));
    this.thread = thread;
    return thread;
  }

  async close(): Promise<void> {
    this.closed = true;
    const thread = this.thread;
    this.thread = null;
    if (thread) await thread.worker.terminate();
  }
}
