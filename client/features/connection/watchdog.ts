// The screen runs for days unattended: after a fatal error it reloads itself rather than freeze
// on a broken picture. Pure decision, tested; the browser wiring is a few lines below it.

export const WATCHDOG = {
  /** This many uncaught errors within the window count as fatal. */
  maxErrors: 5,
  windowMs: 60_000,
  /** Time shown to the room before the reload. */
  reloadDelayMs: 10_000,
} as const;

/** Keep the recent error times and say whether they add up to a fatal state. */
export function isFatal(errorTimes: number[], now: number, maxErrors: number = WATCHDOG.maxErrors, windowMs: number = WATCHDOG.windowMs): boolean {
  while (errorTimes.length && errorTimes[0]! < now - windowMs) errorTimes.shift();
  return errorTimes.length >= maxErrors;
}

let installed = false;

/** Count uncaught errors; when they turn fatal call `onFatal` (which shows a notice and reloads). */
export function installWatchdog(onFatal: (reason: string) => void): void {
  if (installed) return;
  installed = true;
  const times: number[] = [];
  const record = (reason: string) => {
    times.push(Date.now());
    if (isFatal(times, Date.now())) onFatal(reason);
  };
  window.addEventListener('error', (e) => record(e.message || 'error'));
  window.addEventListener('unhandledrejection', (e) => record(String((e.reason as Error | undefined)?.message ?? e.reason)));
}

/** Resolves once the server answers its health check (a reload while it is down would leave the
 * kiosk on the browser's own error page, which never retries). */
export async function whenServerUp(check: () => Promise<boolean>, retryMs = 5000, wait: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms))): Promise<void> {
  while (!(await check().catch(() => false))) await wait(retryMs);
}

const healthy = () => fetch('/healthz', { cache: 'no-store' }).then((r) => r.ok);

/** Reload after the delay, once, and only when the server can serve the page again. */
let reloading = false;
export function scheduleReload(delayMs: number = WATCHDOG.reloadDelayMs, reload: () => void = () => location.reload()): boolean {
  if (reloading) return false;
  reloading = true;
  setTimeout(() => void whenServerUp(healthy).then(reload), delayMs);
  return true;
}
