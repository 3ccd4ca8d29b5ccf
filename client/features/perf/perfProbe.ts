// `window.__perf`: what the client benchmark reads (BENCHMARKS.md, "How to measure the client").
// Off unless the page is opened with `?perf=1` (the designed path) or `?perf=naive` (the naive
// baseline: one store update per socket message as it arrives, a full setData on every change),
// so a normal screen pays nothing for it.

import { LiveBridge, browserScheduler, type Scheduler } from '../../realtime/liveBridge.ts';
import type { ChangeBatch } from '../../../shared/protocol/changes.ts';

export type PerfMode = 'off' | 'design' | 'naive';

const MAX_SAMPLES = 200_000;

/** BENCHMARKS.md C1: no frame over 200 ms. */
const LONG_FRAME_MS = 200;
/** BENCHMARKS.md C1: each store flush ≤ 4 ms. */
export const FLUSH_BUDGET_MS = 4;
/** The user-timing name of a flush over budget, as the bench's trace finds it. */
export const SLOW_FLUSH = 'slow flush';

/**
 * One list of samples, kept in a typed array: a plain array of fractional numbers holds each as a
 * heap object (~150,000 over a 30-minute run), and the page's JS heap — what C3 measures — would
 * count them as the screen's growth. A typed array takes 8 bytes a sample and knows its size, so
 * the heap reading can leave the probe's own store out.
 */
export class Samples {
  private values = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === MAX_SAMPLES) return;
    if (this.length === this.values.length) {
      const grown = new Float64Array(Math.min(MAX_SAMPLES, this.values.length * 2));
      grown.set(this.values);
      this.values = grown;
    }
    this.values[this.length++] = value;
  }

  clear(): void {
    this.length = 0;
  }

  get bytes(): number {
    return this.values.byteLength;
  }

  toArray(): number[] {
    return Array.from(this.values.subarray(0, this.length));
  }
}

export interface PerfRecord {
  mode: PerfMode;
  /** requestAnimationFrame intervals, ms. */
  frames: Samples;
  /** Long tasks (> 50 ms), their durations. */
  longTasks: Samples;
  /** When each frame over C1's 200 ms ended, ms since `reset`: whether they bunch, and where. */
  longFrames: Samples;
  /** When the map's camera started each move (a focus, a person's drag), ms since `reset`: beside the long frames, whether a new view costs them. */
  cameraMoves: Samples;
  /** Time per store flush (applying what the socket buffered), ms. */
  flushes: Samples;
  /** Time per map source update / chart redraw, ms. */
  mapUpdates: Samples;
  chartUpdates: Samples;
  /** Server timestamp of an incident change to the first paint that shows it, ms, per path. */
  feedPaint: Samples;
  mapPaint: Samples;
  /** One map render, from its start until it is on the screen, ms. */
  mapRender: Samples;
  /** Server timestamp of an incident change to the page handling its socket message, ms (the server's, the network's and a busy main thread's share). */
  arrive: Samples;
  /** Frames and long tasks set apart because they span a pause the benchmark made (see `heap`). */
  excluded: { frames: number; longTasks: number };
  /** The big screen's map, for benchmark experiments (which layers cost what to draw). */
  map?: unknown;
  /**
   * Force a full collection (when the page exposes `gc`) and read the heap and DOM size. The
   * collection stops the page for ~200 ms: frames and long tasks spanning it are the benchmark's,
   * not the screen's, so they are counted in `excluded` rather than among the samples.
   */
  heap(): { heapMB: number; probeMB: number; domNodes: number };
  reset(): void;
  /** Every sample list as plain arrays, for the benchmark to read. */
  dump(): Record<(typeof SAMPLE_LISTS)[number], number[]>;
}

export function perfMode(search: string): PerfMode {
  const v = new URLSearchParams(search).get('perf');
  return v === 'naive' ? 'naive' : v === '1' || v === 'design' ? 'design' : 'off';
}

let record: PerfRecord | null = null;

/** The probe when enabled, else null: callers guard with `perf()?.…`. */
export function perf(): PerfRecord | null {
  return record;
}

/** The record's sample lists, which `reset` empties. */
const SAMPLE_LISTS = ['frames', 'longTasks', 'longFrames', 'cameraMoves', 'flushes', 'mapUpdates', 'chartUpdates', 'feedPaint', 'mapPaint', 'mapRender', 'arrive'] as const;

export function recordSample(list: (typeof SAMPLE_LISTS)[number], value: number): void {
  record?.[list].push(value);
}

let resetAt = 0;

/** Note that something happened now, as ms since the last `reset`. */
export function recordMoment(list: 'cameraMoves'): void {
  record?.[list].push(performance.now() - resetAt);
}

/** Install the probe for this page if the URL asks for it. */
export function installPerfProbe(search: string): PerfMode {
  const mode = perfMode(search);
  if (mode === 'off' || record) return mode;
  const r: PerfRecord = {
    mode,
    frames: new Samples(),
    longTasks: new Samples(),
    longFrames: new Samples(),
    cameraMoves: new Samples(),
    flushes: new Samples(),
    mapUpdates: new Samples(),
    chartUpdates: new Samples(),
    feedPaint: new Samples(),
    mapPaint: new Samples(),
    mapRender: new Samples(),
    arrive: new Samples(),
    excluded: { frames: 0, longTasks: 0 },
    heap() {
      const started = performance.now();
      (window as unknown as { gc?: () => void }).gc?.();
      const mem = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory;
      // The screen's heap: the page's, less the probe's own sample store (~2 MB after 30 minutes).
      const probeMB = SAMPLE_LISTS.reduce((sum, key) => sum + r[key].bytes, 0) / 1048576;
      const sample = { heapMB: mem ? mem.usedJSHeapSize / 1048576 - probeMB : NaN, probeMB, domNodes: document.getElementsByTagName('*').length };
      pauses.push([started, performance.now()]);
      return sample;
    },
    reset() {
      for (const key of SAMPLE_LISTS) r[key].clear();
      resetAt = performance.now();
      r.excluded = { frames: 0, longTasks: 0 };
    },
    dump() {
      return Object.fromEntries(SAMPLE_LISTS.map((key) => [key, r[key].toArray()])) as ReturnType<PerfRecord['dump']>;
    },
  };
  record = r;
  (window as unknown as { __perf: PerfRecord }).__perf = r;
  instrumentBridge(r);
  const pauses: [number, number][] = [];
  resetAt = performance.now();
  const spansPause = (from: number, to: number) => pauses.some(([a, b]) => a < to && b > from);
  let last = performance.now();
  const frame = (t: number) => {
    if (spansPause(last, t)) r.excluded.frames += 1;
    else {
      r.frames.push(t - last);
      if (t - last > LONG_FRAME_MS) r.longFrames.push(t - resetAt);
    }
    last = t;
    // Only the latest pause can still overlap a frame or a long task yet to be reported.
    if (pauses.length > 1) pauses.splice(0, pauses.length - 1);
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  try {
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) {
        if (spansPause(e.startTime, e.startTime + e.duration)) r.excluded.longTasks += 1;
        else r.longTasks.push(e.duration);
      }
    }).observe({ type: 'longtask', buffered: false });
  } catch {
    // Long-task timing is not available in every browser; frames still tell the story.
  }
  return mode;
}

/** The naive baseline applies every message at once, as it arrives. */
const immediateScheduler: Scheduler = { schedule: (fn) => fn(performance.now()), now: () => Date.now() };

export function bridgeScheduler(): Scheduler {
  return record?.mode === 'naive' ? immediateScheduler : browserScheduler;
}

export function isNaive(): boolean {
  return record?.mode === 'naive';
}

type Buffered = { kind: 'snapshot' } | { kind: 'batch'; batch: ChangeBatch };
type Instrumented = { flush(frame?: number): void; push(item: Buffered): void };

/**
 * Time every flush (the naive scheduler flushes once per socket message, as it arrives), how long
 * incident changes took to reach the socket, and marks for the first load (snapshot arrived, applied).
 */
function instrumentBridge(r: PerfRecord): void {
  const proto = LiveBridge.prototype as unknown as Instrumented;
  const { flush, push: arrived } = proto;
  let snapshotPending = false;
  proto.flush = function (this: Instrumented, frame?: number) {
    const started = performance.now();
    flush.call(this, frame);
    const ended = performance.now();
    r.flushes.push(ended - started);
    // A flush over budget leaves a measure in the trace (BENCH_PROFILE: what ran inside it). The
    // entry is dropped at once: the trace has it, and the timeline's buffer has no bound.
    if (ended - started > FLUSH_BUDGET_MS) {
      performance.measure(SLOW_FLUSH, { start: started, end: ended });
      performance.clearMeasures(SLOW_FLUSH);
    }
    if (snapshotPending) {
      snapshotPending = false;
      performance.mark('snapshot:applied');
    }
  };
  proto.push = function (this: Instrumented, item: Buffered) {
    if (item.kind === 'snapshot') {
      snapshotPending = true;
      if (performance.getEntriesByName('snapshot:arrived').length === 0) performance.mark('snapshot:arrived');
    } else {
      const now = Date.now();
      for (const c of item.batch.changes) if (c.type === 'incident') r.arrive.push(now - Date.parse(c.incident.updatedAt));
    }
    arrived.call(this, item);
  };
}
