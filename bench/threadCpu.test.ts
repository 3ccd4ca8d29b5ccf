import { describe, expect, it } from 'vitest';
import { cpuShares, processLabel, type ThreadTicks } from './threadCpu.ts';

const cmd = (...args: string[]) => args.join('\0') + '\0';

describe('processLabel', () => {
  it("names Chromium's processes by their type", () => {
    expect(processLabel(cmd('/usr/lib/chromium/chromium', '--headless', '--no-sandbox'))).toBe('browser');
    expect(processLabel(cmd('/usr/lib/chromium/chromium', '--type=renderer', '--lang=en'))).toBe('renderer');
    expect(processLabel(cmd('/usr/lib/chromium/chromium', '--type=gpu-process'))).toBe('gpu');
    expect(processLabel(cmd('/usr/lib/chromium/chromium', '--type=utility', '--utility-sub-type=network.mojom.NetworkService'))).toBe('utility:NetworkService');
    expect(processLabel(cmd('/usr/lib/chromium/chromium', '--type=zygote'))).toBe('zygote');
    // As Chromium shows it after rewriting its command line: one string, spaces between.
    expect(processLabel('/usr/lib/chromium/chromium --type=renderer --lang=en-US --num-raster-threads=1\0')).toBe('renderer');
  });

  it('tells the server apart from other node processes', () => {
    expect(processLabel(cmd('/usr/bin/node', '--import', 'tsx', '/repo/server/index.ts'))).toBe('server');
    expect(processLabel(cmd('/usr/bin/node', 'worker.js'))).toBe('node');
  });
});

describe('cpuShares', () => {
  it('gives each group its share of one core between two readings, largest first', () => {
    const before: ThreadTicks = new Map([
      ['renderer CrRendererMain', { threads: 1, ticks: 1000 }],
      ['renderer DedicatedWorker', { threads: 2, ticks: 500 }],
    ]);
    const after: ThreadTicks = new Map([
      ['renderer CrRendererMain', { threads: 1, ticks: 1130 }],
      ['renderer DedicatedWorker', { threads: 3, ticks: 760 }],
      ['gpu CrGpuMain', { threads: 1, ticks: 40 }],
      ['browser idle', { threads: 1, ticks: 7 }],
    ]);
    // 10 s at 100 ticks/s: 1,000 ticks are one core.
    const shares = cpuShares(new Map([...before, ['browser idle', { threads: 1, ticks: 7 }]]), after, 10);
    expect(shares).toEqual([
      { thread: 'renderer DedicatedWorker', threads: 3, pct: 26 },
      { thread: 'renderer CrRendererMain', threads: 1, pct: 13 },
      { thread: 'gpu CrGpuMain', threads: 1, pct: 4 },
    ]);
  });
});
