import { describe, expect, it } from 'vitest';
import { isFatal, whenServerUp } from './watchdog.ts';

describe('watchdog', () => {
  it('calls a burst of errors fatal, and forgets errors older than the window', () => {
    const times = [0, 10_000, 20_000, 30_000];
    expect(isFatal(times, 30_000, 5, 60_000)).toBe(false);
    times.push(40_000);
    expect(isFatal(times, 40_000, 5, 60_000)).toBe(true);
    // A minute later the first two have aged out.
    expect(isFatal(times, 75_000, 5, 60_000)).toBe(false);
    expect(times).toEqual([20_000, 30_000, 40_000]);
  });

  it('waits for the server before reloading, however long it is down', async () => {
    const answers = [false, false, true];
    const waits: number[] = [];
    let checks = 0;
    await whenServerUp(
      async () => {
        checks += 1;
        if (checks === 2) throw new Error('connection refused');
        return answers[checks - 1]!;
      },
      5000,
      async (ms) => void waits.push(ms),
    );
    expect(checks).toBe(3);
    expect(waits).toEqual([5000, 5000]);
  });
});
