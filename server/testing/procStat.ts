// A thread's or process's CPU time from Linux's /proc `stat` line, for the benchmarks.

/** Clock ticks per second of /proc's CPU times (USER_HZ: 100 on every Linux the benchmarks run on). */
export const CLOCK_TICKS = 100;

/** Pure: the name, parent and CPU time (user + system, in ticks) in a /proc `stat` line. */
export function parseStat(line: string): { name: string; ppid: number; ticks: number } | null {
  // The name is in parentheses and may itself hold spaces and parentheses: it ends at the last ')'.
  const open = line.indexOf('(');
  const close = line.lastIndexOf(')');
  if (open < 0 || close < open) return null;
  // After the name: state (field 3), ppid (4) … utime (14) and stime (15).
  const rest = line.slice(close + 2).split(' ');
  const ppid = Number(rest[1]);
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  if (![ppid, utime, stime].every(Number.isFinite)) return null;
  return { name: line.slice(open + 1, close), ppid, ticks: utime + stime };
}
