// Steady ingest against one or more nodes, as a gateway would send it: fixed-size batches at a
// fixed rate, round-robin over the nodes, each batch retried on another node until one
// acknowledges it (the idempotency keys make a retry safe).

import type { Sensor } from '../../shared/domain/types.ts';

export interface LoadOptions {
  eventsPerSecond: number;
  batch: number;
  /** Share of each batch that are patrol reports (facts); the rest are sensor readings. */
  patrolShare: number;
  patrol: () => { sourceEventId: string };
}

export class LoadGenerator {
  readonly acknowledged = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private next = 0;
  private sent = 0;
  private started = 0;
  private stopped = false;
  private waiters: (() => void)[] = [];
  /** What the last failed attempt got, for a failing test to say. */
  private lastRefusal = 'none';
  private readonly urls: string[];

  constructor(
    urls: string[],
    private readonly sensors: readonly Sensor[],
    private readonly options: LoadOptions,
  ) {
    this.urls = [...urls];
  }

  get sentEvents(): number {
    return this.acknowledged.size;
  }

  start(): void {
    this.started = performance.now();
    const intervalMs = (1000 * this.options.batch) / this.options.eventsPerSecond;
    this.timer = setInterval(() => {
      const p = this.deliver(this.makeBatch());
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }, intervalMs);
  }

  /** Stop sending to `url` (a load balancer took the node out). */
  remove(url: string): void {
    const i = this.urls.indexOf(url);
    if (i >= 0) this.urls.splice(i, 1);
  }

  /** Resolve once `n` events in all have been acknowledged; fail, saying how far it got, after `timeoutMs`. */
  until(n: number, timeoutMs = 30_000): Promise<void> {
    if (this.acknowledged.size >= n) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`load: ${this.acknowledged.size} of ${n} events acknowledged after ${timeoutMs} ms; ${this.inflight.size} batches in flight; last refusal: ${this.lastRefusal}`));
      }, timeoutMs);
      const check = () => {
        if (this.acknowledged.size < n) return void this.waiters.push(check);
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push(check);
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.stopped = true;
    await Promise.all([...this.inflight]);
  }

  /** Acknowledged events per second since start. */
  rate(): number {
    return this.acknowledged.size / ((performance.now() - this.started) / 1000);
  }

  private makeBatch(): { id: string; event: object }[] {
    const patrols = Math.round(this.options.batch * this.options.patrolShare);
    const items: { id: string; event: object }[] = [];
    for (let k = 0; k < this.options.batch; k += 1) {
      this.sent += 1;
      if (k < patrols) {
        const event = this.options.patrol();
        items.push({ id: event.sourceEventId, event });
      } else {
        const sensor = this.sensors[this.sent % this.sensors.length]!;
        const id = `load-${process.pid}-${this.started.toFixed(0)}-${this.sent}`;
        items.push({
          id,
          event: { source: 'sensor', sourceEventId: id, occurredAt: new Date().toISOString(), payload: { sensorId: sensor.id, metric: sensor.metric, value: 1 + (this.sent % 7) / 10 } },
        });
      }
    }
    return items;
  }

  private async deliver(items: { id: string; event: object }[]): Promise<void> {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const url = this.urls[this.next++ % this.urls.length];
      if (!url) return;
      try {
        const res = await fetch(`${url}/api/ingest/events`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: 'Bearer demo-ingest-key' },
          body: JSON.stringify({ events: items.map((i) => i.event) }),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.status === 200) {
          const body = (await res.json()) as { results: { status: string }[] };
          body.results.forEach((r, k) => {
            if (r.status === 'accepted' || r.status === 'duplicate') this.acknowledged.add(items[k]!.id);
          });
          const waiters = this.waiters;
          this.waiters = [];
          for (const w of waiters) w();
          return;
        }
        this.lastRefusal = `${res.status} from ${url}`;
        await res.body?.cancel();
      } catch (error) {
        // The node is gone or going: try another.
        this.lastRefusal = `${error instanceof Error ? error.message : String(error)} from ${url}`;
      }
      if (this.stopped && attempt > 20) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
