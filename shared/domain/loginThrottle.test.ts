import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './loginThrottle.ts';

const MIN = 60_000;

describe('login throttle', () => {
  it('locks an account at an address after 5 failures for 10 minutes, then lets it try again', () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 4; i += 1) expect(t.fail('dispatcher', '10.0.0.9', i * 1000)).toBe(0);
    expect(t.fail('dispatcher', '10.0.0.9', 4000)).toBe(10 * MIN);
    expect(t.retryAfterMs('dispatcher', '10.0.0.9', 4000 + 9 * MIN)).toBe(MIN);
    expect(t.retryAfterMs('dispatcher', '10.0.0.9', 4000 + 10 * MIN)).toBe(0);
    // After expiry the count starts over: one more failure does not lock again.
    expect(t.fail('dispatcher', '10.0.0.9', 4000 + 10 * MIN + 1)).toBe(0);
  });

  it("a stranger's failures elsewhere do not lock the dispatcher at her desk", () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 20; i += 1) t.fail('dispatcher', '203.0.113.7', i);
    expect(t.retryAfterMs('dispatcher', '203.0.113.7', 100)).toBeGreaterThan(0);
    expect(t.retryAfterMs('dispatcher', '10.0.0.9', 100)).toBe(0);
    expect(t.retryAfterMs('Dispatcher ', '203.0.113.7', 100)).toBeGreaterThan(0);
  });

  it('guessing from many addresses throttles the account as a whole, and that expires too', () => {
    const t = new LoginThrottle({ maxFailures: 5, maxFailuresPerAccount: 12, lockMs: 10 * MIN });
    for (let i = 0; i < 12; i += 1) t.fail('officer', `198.51.100.${i}`, i);
    expect(t.retryAfterMs('officer', '10.0.0.1', 20)).toBeGreaterThan(0);
    expect(t.retryAfterMs('officer', '10.0.0.1', 11 + 10 * MIN)).toBe(0);
  });

  it('a success clears the failures counted at that address', () => {
    const t = new LoginThrottle();
    for (let i = 0; i < 4; i += 1) t.fail('operator', 'a', i);
    t.succeed('operator', 'a');
    expect(t.fail('operator', 'a', 10)).toBe(0);
  });
});
