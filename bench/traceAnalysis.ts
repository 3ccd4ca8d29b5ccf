// What a Chromium trace of the page says (BENCH_PROFILE): where the renderer's main thread spent
// its time, what each long task waited for, and what ran inside the spans the page marked. Pure:
// the bench hands it the parsed trace.

export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event: less than `dur` when the thread waited for a core. */
  tdur?: number;
  pid: number;
  tid: number;
  args?: { name?: string };
}

export interface Trace {
  traceEvents: TraceEvent[];
}

/**
 * The renderer main threads' complete events, each with its own (self) time and the top-level
 * task it ran in: what the time went to, and what a long task was waiting for.
 */
function mainThreadSelfTimes(trace: Trace) {
  const main = new Set(trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`));
  const events = trace.traceEvents.filter((e) => e.ph === 'X' && e.dur !== undefined && main.has(`${e.pid}:${e.tid}`)).sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<TraceEvent, number>();
  const task = new Map<TraceEvent, TraceEvent>();
  const stack: { e: TraceEvent; end: number }[] = [];
  for (const e of events) {
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.e, self.get(parent.e)! - e.dur!);
    self.set(e, e.dur!);
    task.set(e, stack[0]?.e ?? e);
    stack.push({ e, end: e.ts + e.dur! });
  }
  return { self, task };
}

/** Self time per event name on each renderer main thread (complete events, nested by time). */
export function traceSelfTime(trace: Trace, n: number) {
  const byName = new Map<string, number>();
  mainThreadSelfTimes(trace).self.forEach((us, e) => byName.set(e.name, (byName.get(e.name) ?? 0) + us));
  return [...byName.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([name, us]) => ({ name, ms: Math.round(us / 1000) }));
}

/** The main-thread tasks longer than `minMs`, each with the three events it spent most in itself. */
export function traceLongTasks(trace: Trace, minMs: number) {
  const { self, task } = mainThreadSelfTimes(trace);
  const inside = new Map<TraceEvent, Map<string, number>>();
  self.forEach((us, e) => {
    const top = task.get(e)!;
    if (top.dur! < minMs * 1000) return;
    const names = inside.get(top) ?? new Map<string, number>();
    names.set(e.name, (names.get(e.name) ?? 0) + us);
    inside.set(top, names);
  });
  let start = Infinity;
  self.forEach((_, e) => (start = Math.min(start, e.ts)));
  return [...inside.entries()].map(([top, names]) => ({
    'at s': ((top.ts - start) / 1e6).toFixed(1),
    ms: Math.round(top.dur! / 1000),
    'spent in': [...names.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, us]) => `${name} ${Math.round(us / 1000)}`)
      .join(', '),
  }));
}

/**
 * The spans the page marked with user-timing measures named `measure` (the probe's flushes over
 * budget), each with the traced events that ran inside it by self time — a collection, a style
 * recalculation, or (what no event covers) the page's own script — and the call around it.
 */
export function traceMeasures(trace: Trace, measure: string) {
  const marks = trace.traceEvents.filter((e) => e.name === measure && (e.ph === 'b' || e.ph === 'e')).sort((a, b) => a.ts - b.ts);
  const { self } = mainThreadSelfTimes(trace);
  const rows = [];
  for (let i = 0; i + 1 < marks.length; i += 1) {
    const [begin, end] = [marks[i]!, marks[i + 1]!];
    if (begin.ph !== 'b' || end.ph !== 'e') continue;
    i += 1;
    const names = new Map<string, number>();
    let traced = 0;
    self.forEach((us, e) => {
      if (e.ts < begin.ts || e.ts >= end.ts) return;
      names.set(e.name, (names.get(e.name) ?? 0) + us);
      traced += us;
    });
    names.set('script', Math.max(0, end.ts - begin.ts - traced));
    // The smallest traced call around the flush, by wall and by its thread's CPU clock: a gap
    // between the two is time the thread spent off the CPU (the machine's cores busy elsewhere).
    let call: TraceEvent | undefined;
    self.forEach((_, e) => {
      if (e.tdur !== undefined && e.ts <= begin.ts && e.ts + e.dur! >= end.ts && (!call || e.dur! < call.dur!)) call = e;
    });
    rows.push({
      ms: ((end.ts - begin.ts) / 1000).toFixed(1),
      'call around it, wall / CPU ms': call ? `${call.name} ${(call.dur! / 1000).toFixed(1)} / ${(call.tdur! / 1000).toFixed(1)}` : 'n/a',
      'spent in': [...names.entries()]
        .sort((a, b) => b[1] - a[1])
        .slice(0, 4)
        .map(([name, v]) => `${name} ${(v / 1000).toFixed(1)}`)
        .join(', '),
    });
  }
  return rows;
}
