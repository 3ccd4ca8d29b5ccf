// Where the machine's cores went during a run, thread by thread: the page's main thread, the map's
// workers, the GPU process's software rasteriser, the server and the bench itself all share them,
// and a store flush that runs long while its own work fits the budget lost its core to one of
// these. Linux only (read from /proc); elsewhere the bench prints nothing for it.

import fs from 'node:fs';
import { CLOCK_TICKS, parseStat } from '../server/testing/procStat.ts';

/**
 * Pure: which of a run's processes a command line belongs to. /proc gives it NUL-separated, but
 * Chromium rewrites its own as one line with spaces: either is read.
 */
export function processLabel(cmdline: string): string {
  const args = cmdline.split(/[\0 ]/);
  if (!/chrom/i.test(args[0] ?? '')) return args.some((a) => a.includes('server/index.ts')) ? 'server' : 'node';
  const type = args.find((a) => a.startsWith('--type='))?.slice('--type='.length);
  if (!type) return 'browser';
  if (type === 'gpu-process') return 'gpu';
  const sub = args.find((a) => a.startsWith('--utility-sub-type='))?.split('.').at(-1);
  return type === 'utility' && sub ? `utility:${sub}` : type;
}

/** CPU ticks so far, summed by process label and thread name (several workers share one name). */
export type ThreadTicks = Map<string, { threads: number; ticks: number }>;

/** Pure: each thread group's share of one core between two readings, largest first. */
export function cpuShares(before: ThreadTicks, after: ThreadTicks, seconds: number): { thread: string; threads: number; pct: number }[] {
  return [...after.entries()]
    .map(([thread, a]) => ({ thread, threads: a.threads, pct: ((a.ticks - (before.get(thread)?.ticks ?? 0)) / CLOCK_TICKS / seconds) * 100 }))
    .filter((s) => s.pct > 0)
    .sort((a, b) => b.pct - a.pct);
}

const read = (file: string): string | null => {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    // The process or thread ended between listing and reading.
    return null;
  }
};

/** The pids of `root` and every process below it. */
function descendants(root: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = read(`/proc/${entry}/stat`);
    const parsed = stat ? parseStat(stat) : null;
    if (parsed) parentOf.set(Number(entry), parsed.ppid);
  }
  const below = (pid: number): boolean => {
    for (let p: number | undefined = pid, hops = 0; p !== undefined && p > 1 && hops < 64; p = parentOf.get(p), hops++) if (p === root) return true;
    return false;
  };
  return [...parentOf.keys()].filter(below);
}

/** CPU ticks of every thread of this process and those it started (the server, the browser's). */
export function readThreadTicks(root = process.pid): ThreadTicks | null {
  if (!fs.existsSync('/proc/self/task')) return null;
  const ticks: ThreadTicks = new Map();
  for (const pid of descendants(root)) {
    const cmdline = read(`/proc/${pid}/cmdline`);
    if (cmdline === null) continue;
    const label = pid === root ? 'bench' : processLabel(cmdline);
    let tasks: string[];
    try {
      tasks = fs.readdirSync(`/proc/${pid}/task`);
    } catch {
      continue;
    }
    for (const tid of tasks) {
      const stat = read(`/proc/${pid}/task/${tid}/stat`);
      const parsed = stat ? parseStat(stat) : null;
      if (!parsed) continue;
      const key = `${label} ${parsed.name}`;
      const group = ticks.get(key) ?? { threads: 0, ticks: 0 };
      group.threads += 1;
      group.ticks += parsed.ticks;
      ticks.set(key, group);
    }
  }
  return ticks;
}
