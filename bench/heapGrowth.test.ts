import { describe, expect, it } from 'vitest';
import { heapFloorGrowth } from './heapGrowth.ts';

const run = (mb: number[]) => mb.map((heapMB) => ({ heapMB }));

describe('heapFloorGrowth', () => {
  it('compares the lowest samples of the first and last fifths, not two single samples', () => {
    // A high first sample and a low last one, around a flat floor of 55 MB: no growth.
    const flat = run([70, 55, 62, 58, 66, 55, 71, 60, 55, 64, 57, 55, 68, 59, 55]);
    expect(heapFloorGrowth(flat)).toEqual({ firstMB: 55, lastMB: 55, growthPct: 0 });
  });

  it('shows a floor that rises, whatever the single samples do', () => {
    const leaking = run([60, 50, 58, 52, 61, 54, 63, 56, 60, 58, 66, 60]);
    const floor = heapFloorGrowth(leaking)!;
    expect(floor.firstMB).toBe(50);
    expect(floor.lastMB).toBe(60);
    expect(floor.growthPct).toBeCloseTo(20);
  });

  it('says nothing about a run too short to have a floor', () => {
    expect(heapFloorGrowth(run([50, 60, 70]))).toBeNull();
  });
});
