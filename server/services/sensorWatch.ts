// A sensor that misses its expected readings is marked offline (and back online by its next
// reading). Runs on a short period; the store keeps the flag, the screens get it as telemetry.

import type { Store } from '../store/Store.ts';
import type { LiveHub } from '../realtime/liveHub.ts';

/** Missing this many expected intervals makes a sensor offline. */
export const MISSED_INTERVALS = 3;

export class SensorWatch {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly store: Store,
    private readonly hub: LiveHub,
    private readonly intervalSec = 60,
  ) {}

  /** One sweep at `now`: returns the sensors it marked offline. */
  async sweep(now = new Date()): Promise<string[]> {
    const before = new Date(now.getTime() - MISSED_INTERVALS * this.intervalSec * 1000).toISOString();
    const silent = await this.store.silentSince(before);
    const changed = await this.store.markOffline(silent.map((s) => s.id));
    for (const state of changed) this.hub.sensor(state);
    return changed.map((s) => s.id);
  }

  start(periodMs = 30_000): void {
    this.timer = setInterval(() => void this.sweep().catch(() => undefined), periodMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
