import { describe, expect, it } from 'vitest';
import { Samples, bridgeScheduler, perfMode } from './perfProbe.ts';
import { browserScheduler } from '../../realtime/liveBridge.ts';

describe('perf probe', () => {
  it('is off unless the URL asks for it, and then the bridge keeps its frame scheduler', () => {
    expect(perfMode('')).toBe('off');
    expect(perfMode('?perf=1')).toBe('design');
    expect(perfMode('?lang=en&perf=naive')).toBe('naive');
    expect(bridgeScheduler()).toBe(browserScheduler);
  });

  it('keeps samples in order past its first store, and forgets them on clear', () => {
    const samples = new Samples();
    for (let i = 0; i < 3000; i += 1) samples.push(i + 0.5);
    const all = samples.toArray();
    expect(all).toHaveLength(3000);
    expect(all[0]).toBe(0.5);
    expect(all[1024]).toBe(1024.5);
    expect(all[2999]).toBe(2999.5);
    samples.clear();
    samples.push(7.25);
    expect(samples.toArray()).toEqual([7.25]);
  });
});
