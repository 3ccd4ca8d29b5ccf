// A live client that behaves like the browser's behind a load balancer: when its node goes away
// it connects to the next node and resumes from the last seq it holds. It records what it got,
// so tests can check the result against the change log: no gap, no duplicate.

import { io, type Socket } from 'socket.io-client';
import type { Change, ChangeBatch, ClientToServerEvents, ServerToClientEvents, Snapshot } from '../../shared/protocol/changes.ts';
import { LIVE_NAMESPACE } from '../../shared/protocol/changes.ts';

type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const FACT_TYPES = new Set(['incident', 'task', 'alarm']);

export class FailoverClient {
  private socket: LiveSocket | null = null;
  private node = 0;
  private closed = false;
  snapshots: Snapshot[] = [];
  batches: ChangeBatch[] = [];
  /** Times a connection was (re)established, and on which node. */
  connects: { at: number; url: string }[] = [];
  /** Broken promises: a batch that did not continue from the seq the client held. */
  gaps: string[] = [];
  private held = 0;
  /** True while a connection is open. */
  connected = false;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly urls: string[],
    private readonly cookie: string,
    first = 0,
  ) {
    this.node = first;
    this.connect();
  }

  get url(): string {
    return this.urls[this.node]!;
  }

  private connect(): void {
    if (this.closed) return;
    const url = this.url;
    const socket: LiveSocket = io(`${url}${LIVE_NAMESPACE}`, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      auth: this.held > 0 ? { lastSeq: this.held } : {},
      extraHeaders: { cookie: this.cookie },
      timeout: 20_000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.connected = true;
      this.connects.push({ at: performance.now(), url });
      this.notify();
    });
    socket.on('snapshot', (s) => {
      this.snapshots.push(s);
      this.held = Math.max(this.held, s.seq);
      this.notify();
    });
    socket.on('changes', (b) => {
      // Telemetry-only batches repeat the seq held; a batch of facts must start right after it.
      if (b.fromSeq > this.held + 1) this.gaps.push(`held ${this.held}, got ${b.fromSeq}..${b.toSeq}`);
      this.batches.push(b);
      this.held = Math.max(this.held, b.toSeq);
      this.notify();
    });
    const failover = () => {
      if (this.socket !== socket || this.closed) return;
      this.connected = false;
      socket.removeAllListeners();
      socket.close();
      // Like a load balancer taking the node out: the next one, after a short pause.
      this.node = (this.node + 1) % this.urls.length;
      setTimeout(() => this.connect(), 100);
    };
    socket.on('disconnect', failover);
    socket.on('connect_error', failover);
  }

  /** Move to the next node (as a load balancer would when this one is removed). */
  skipNode(url: string): void {
    if (this.url === url) this.node = (this.node + 1) % this.urls.length;
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  until(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (predicate()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what} (holding ${this.held} on ${this.url})`)), timeoutMs);
      const check = () => {
        if (predicate()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      this.waiters.push(check);
    });
  }

  lastSeq(): number {
    return this.held;
  }

  /** The facts received, in arrival order (seq, type, id). */
  facts(): [number, string, string][] {
    return this.batches.flatMap((b) => b.changes).filter((c) => FACT_TYPES.has(c.type)).map(factKey);
  }

  close(): void {
    this.closed = true;
    this.socket?.removeAllListeners();
    this.socket?.close();
  }
}

export function factKey(c: Change): [number, string, string] {
  const id = c.type === 'incident' ? c.incident.id : c.type === 'task' ? c.task.id : c.type === 'alarm' ? c.alarm.id : '';
  return [c.seq, c.type, id];
}

export function isFact(c: Change): boolean {
  return FACT_TYPES.has(c.type);
}
