import { describe, expect, it } from 'vitest';
import { traceLongTasks, traceMeasures, traceSelfTime, type TraceEvent } from './traceAnalysis.ts';

const MAIN = { pid: 1, tid: 10 };
const WORKER = { pid: 1, tid: 11 };
const threads: TraceEvent[] = [
  { name: 'thread_name', ph: 'M', ts: 0, ...MAIN, args: { name: 'CrRendererMain' } },
  { name: 'thread_name', ph: 'M', ts: 0, ...WORKER, args: { name: 'DedicatedWorker thread' } },
];
/** A complete event on the main thread, times in ms (the trace's are µs). */
const x = (name: string, atMs: number, durMs: number, cpuMs?: number): TraceEvent => ({
  name,
  ph: 'X',
  ts: atMs * 1000,
  dur: durMs * 1000,
  ...(cpuMs === undefined ? {} : { tdur: cpuMs * 1000 }),
  ...MAIN,
});
const measure = (name: string, fromMs: number, toMs: number): TraceEvent[] => [
  { name, ph: 'b', ts: fromMs * 1000, ...MAIN },
  { name, ph: 'e', ts: toMs * 1000, ...MAIN },
];

describe('traceMeasures', () => {
  it('splits a marked span into the events inside it and its own script, with the CPU time of the call around it', () => {
    const trace = {
      traceEvents: [
        ...threads,
        x('RunTask', 0, 20, 9),
        x('FunctionCall', 1, 6, 1.5),
        x('MinorGC', 3, 1),
        ...measure('slow flush', 1.5, 6.5),
        // Another thread's collection in the same span is not the page's.
        { ...x('MajorGC', 2, 4), ...WORKER },
      ],
    };
    expect(traceMeasures(trace, 'slow flush')).toEqual([{ ms: '5.0', 'call around it, wall / CPU ms': 'FunctionCall 6.0 / 1.5', 'spent in': 'script 4.0, MinorGC 1.0' }]);
  });

  it('lists each span once, and only the spans of that name', () => {
    const trace = { traceEvents: [...threads, x('RunTask', 0, 100, 100), ...measure('slow flush', 10, 15), ...measure('other', 20, 30), ...measure('slow flush', 40, 46)] };
    expect(traceMeasures(trace, 'slow flush').map((r) => r.ms)).toEqual(['5.0', '6.0']);
  });
});

describe('traceLongTasks', () => {
  it('lists the tasks over the threshold by what they spent their own time in', () => {
    const trace = {
      traceEvents: [
        ...threads,
        x('RunTask', 0, 10),
        x('RunTask', 1000, 400),
        x('CommandBufferProxyImpl::WaitForGetOffset', 1010, 300),
        x('FunctionCall', 1320, 60),
      ],
    };
    expect(traceLongTasks(trace, 150)).toEqual([{ 'at s': '1.0', ms: 400, 'spent in': 'CommandBufferProxyImpl::WaitForGetOffset 300, FunctionCall 60, RunTask 40' }]);
  });
});

describe('traceSelfTime', () => {
  it('sums each event name by its own time, children taken out', () => {
    const trace = { traceEvents: [...threads, x('RunTask', 0, 50), x('Paint', 10, 30), x('RunTask', 100, 20)] };
    expect(traceSelfTime(trace, 5)).toEqual([
      { name: 'RunTask', ms: 40 },
      { name: 'Paint', ms: 30 },
    ]);
  });
});
