import { describe, expect, it } from 'vitest';
import { bridgeScheduler, perfMode } from './perfProbe.ts';
import { browserScheduler } from '../../realtime/liveBridge.ts';

describe('perf probe', () => {
  it('is off unless the URL asks for it, and then the bridge keeps its frame scheduler', () => {
    expect(perfMode('')).toBe('off');
    expect(perfMode('?perf=1')).toBe('design');
    expect(perfMode('?lang=en&perf=naive')).toBe('naive');
    expect(bridgeScheduler()).toBe(browserScheduler);
  });
});
