// The C3 heap figure for a long run, from the bench's samples (each after a forced full collection).

/**
 * Heap growth by its floor: the lowest sample in the first and in the last fifth of the run. Each
 * sample follows a forced full collection, yet what is alive then swings by ~15 MB with the work in
 * flight (tile loads, a batch being applied), so two single samples can differ by that much
 * with nothing retained; what a leak raises is the floor. Null with fewer than ten samples.
 */
export function heapFloorGrowth(samples: { heapMB: number }[]): { firstMB: number; lastMB: number; growthPct: number } | null {
  if (samples.length < 10) return null;
  const fifth = Math.floor(samples.length / 5);
  const floor = (part: { heapMB: number }[]) => Math.min(...part.map((s) => s.heapMB));
  const firstMB = floor(samples.slice(0, fifth));
  const lastMB = floor(samples.slice(-fifth));
  return { firstMB, lastMB, growthPct: ((lastMB - firstMB) / firstMB) * 100 };
}
