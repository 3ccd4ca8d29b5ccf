// Failed sign-ins throttle the account for a while — never for good. Two counters: one per
// account and address (5 failures → 10 minutes), so a stranger elsewhere cannot lock a
// dispatcher out of her own desk; and one per account over all addresses with a higher bar
// (default 50), so guessing from many addresses is throttled too. Both expire on their own,
// and a success from an address clears that address's counter. Pure: time is passed in.

export interface ThrottleOptions {
  maxFailures: number;
  maxFailuresPerAccount: number;
  lockMs: number;
}

export const DEFAULT_THROTTLE: ThrottleOptions = { maxFailures: 5, maxFailuresPerAccount: 50, lockMs: 10 * 60_000 };

interface Counter {
  failures: number;
  /** Failures older than the lock window are forgotten. */
  windowStart: number;
  lockedUntil: number;
}

export class LoginThrottle {
  private readonly counters = new Map<string, Counter>();

  constructor(private readonly options: ThrottleOptions = DEFAULT_THROTTLE) {}

  private keys(username: string, address: string): [string, string] {
    const account = username.trim().toLowerCase();
    return [`${account}\u0000${address}`, account];
  }

  /** Milliseconds until this account may try again from this address; 0 when it may now. */
  retryAfterMs(username: string, address: string, nowMs: number): number {
    let wait = 0;
    for (const key of this.keys(username, address)) {
      const c = this.counters.get(key);
      if (c && c.lockedUntil > nowMs) wait = Math.max(wait, c.lockedUntil - nowMs);
    }
    return wait;
  }

  /** Count a failure; returns the lock now in force (0 when none). */
  fail(username: string, address: string, nowMs: number): number {
    const [pair, account] = this.keys(username, address);
    this.bump(pair, this.options.maxFailures, nowMs);
    this.bump(account, this.options.maxFailuresPerAccount, nowMs);
    this.prune(nowMs);
    return this.retryAfterMs(username, address, nowMs);
  }

  succeed(username: string, address: string): void {
    this.counters.delete(this.keys(username, address)[0]);
  }

  private bump(key: string, max: number, nowMs: number): void {
    let c = this.counters.get(key);
    if (!c || (c.lockedUntil <= nowMs && nowMs - c.windowStart > this.options.lockMs)) c = { failures: 0, windowStart: nowMs, lockedUntil: 0 };
    if (c.lockedUntil > 0 && c.lockedUntil <= nowMs) c = { failures: 0, windowStart: nowMs, lockedUntil: 0 };
    c.failures += 1;
    if (c.failures >= max) c.lockedUntil = nowMs + this.options.lockMs;
    this.counters.set(key, c);
  }

  /** Keep memory bounded under a flood of made-up names. */
  private prune(nowMs: number): void {
    if (this.counters.size < 10_000) return;
    for (const [key, c] of this.counters) {
      if (c.lockedUntil <= nowMs && nowMs - c.windowStart > this.options.lockMs) this.counters.delete(key);
    }
  }
}
