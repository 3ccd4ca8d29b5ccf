// The bridge from the socket to the store. Socket handlers only buffer; one flush per animation
// frame (a timer when the tab is hidden) applies everything buffered in a single store update,
// through the shared reducer. A gap in the seq makes it ask the server to resume.

import { io, type Socket } from 'socket.io-client';
import { fromSnapshot, type CityState } from '../../shared/domain/cityReducer.ts';
import {
  LIVE_NAMESPACE,
  type ChangeBatch,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type Snapshot,
} from '../../shared/protocol/changes.ts';
import { feedAfter, feedFromIncidents, type FeedItem } from '../features/feed/feedItems.ts';
import type { AppState, ConnectionSlice } from '../store/cityStore.ts';
import { commitDelta, noChanges, pruneFinished, storeDelta, type FlushChanges } from '../store/commitDelta.ts';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

type Buffered = { kind: 'snapshot'; snapshot: Snapshot } | { kind: 'batch'; batch: ChangeBatch };

export interface StoreLike {
  getState(): AppState;
  setState(partial: Partial<AppState>): void;
}

export interface Scheduler {
  /**
   * Run `fn` before the next paint (or soon, when nothing paints), with that animation frame's
   * timestamp: every callback of one frame is given the same one, so it names the frame.
   */
  schedule(fn: (frame: number) => void): void;
  now(): number;
}

export const browserScheduler: Scheduler = {
  schedule(fn) {
    if (typeof document !== 'undefined' && document.visibilityState === 'visible' && typeof requestAnimationFrame === 'function') {
      requestAnimationFrame(fn);
    } else {
      setTimeout(() => fn(performance.now()), 100);
    }
  },
  now: () => Date.now(),
};

export interface FlushStats {
  flushes: number;
  lastFlushMs: number;
  maxFlushMs: number;
}

/** The outcome of applying a buffer: the new state pieces and whether a resume is needed. */
export interface Applied {
  city: CityState;
  feed: FeedItem[];
  gapFrom: number | null;
  /** The ids each table changed, for readers that update by id. */
  changes: FlushChanges;
}

/**
 * Pure: join back-to-back batches (each starting right after the previous one ends) into one, so
 * a frame that buffered several copies each table once rather than once per batch. Anything else
 * (a snapshot, an overlap after a resume, a gap) stays as it was.
 */
export function mergeContiguous(buffered: readonly Buffered[]): Buffered[] {
  const out: Buffered[] = [];
  for (const item of buffered) {
    const last = out[out.length - 1];
    if (item.kind === 'batch' && last?.kind === 'batch' && item.batch.fromSeq === last.batch.toSeq + 1) {
      out[out.length - 1] = { kind: 'batch', batch: { fromSeq: last.batch.fromSeq, toSeq: item.batch.toSeq, changes: [...last.batch.changes, ...item.batch.changes] } };
    } else {
      out.push(item);
    }
  }
  return out;
}

/**
 * Apply buffered messages in order (see `commitDelta`: sensor readings are written into the
 * given state's sensor table; the rest is copied). A gap stops the batch run; the rest waits
 * for resume.
 */
export function applyBuffered(city: CityState, feed: FeedItem[], buffered: readonly Buffered[]): Applied {
  let gapFrom: number | null = null;
  let changes = noChanges();
  for (const item of mergeContiguous(buffered)) {
    if (item.kind === 'snapshot') {
      city = fromSnapshot(item.snapshot);
      feed = feedFromIncidents(item.snapshot.incidents);
      gapFrom = null;
      changes = noChanges(true);
      continue;
    }
    if (gapFrom !== null) continue;
    const outcome = storeDelta(city, item.batch, changes);
    if (outcome.kind === 'gap') {
      gapFrom = outcome.expectedFrom - 1;
      continue;
    }
    if (outcome.kind === 'applied') {
      feed = feedAfter(feed, item.batch.changes.filter((c) => c.seq > city.seq || c.type !== 'incident'));
      city = commitDelta(city, outcome.delta, changes);
    }
  }
  return { city, feed, gapFrom, changes };
}

/** Whether applying this puts incidents before people (a snapshot, or incident changes). */
function showsIncidents(item: Buffered): boolean {
  return item.kind === 'snapshot' || item.batch.changes.some((c) => c.type === 'incident');
}

/** How often a connected screen drops the finished cases it no longer needs. */
const PRUNE_MS = 60_000;

export class LiveBridge {
  private socket: LiveSocket | null = null;
  private pruneTimer: ReturnType<typeof setInterval> | null = null;
  private buffer: Buffered[] = [];
  private scheduled = false;
  private resuming = false;
  /** The animation frame whose flush last applied incident changes. */
  private incidentFrame: number | null = null;
  readonly stats: FlushStats = { flushes: 0, lastFlushMs: 0, maxFlushMs: 0 };

  constructor(
    private readonly store: StoreLike,
    private readonly scheduler: Scheduler = browserScheduler,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  connect(url = LIVE_NAMESPACE): LiveSocket {
    const socket: LiveSocket = io(url, {
      transports: ['websocket'],
      withCredentials: true,
      // Evaluated on every (re)connect: a known position asks the server for just what was missed.
      auth: (cb) => {
        const seq = this.store.getState().city.seq;
        cb(seq > 0 ? { lastSeq: seq } : {});
      },
    });
    this.attach(socket);
    this.pruneTimer = setInterval(() => this.prune(), PRUNE_MS);
    return socket;
  }

  /** Drop finished cases older than a fresh snapshot would hold (see `pruneFinished`). */
  prune(): void {
    const state = this.store.getState();
    const { city, changes } = pruneFinished(state.city, this.scheduler.now());
    if (city !== state.city) this.store.setState({ city, changes });
  }

  /** Wire an existing socket (tests pass their own). */
  attach(socket: LiveSocket): void {
    this.socket = socket;
    socket.on('connect', () => this.setConnection({ state: 'live', disconnectedAt: null }));
    socket.on('disconnect', () => {
      const { lastDataAt } = this.store.getState().connection;
      this.setConnection({ state: 'reconnecting', disconnectedAt: lastDataAt ?? this.scheduler.now() });
    });
    socket.on('connect_error', (error) => {
      if (error.message === 'unauthorized') {
        this.setConnection({ state: 'offline' });
        this.onUnauthorized();
        return;
      }
      const current = this.store.getState().connection;
      this.setConnection({ state: 'reconnecting', disconnectedAt: current.disconnectedAt ?? current.lastDataAt ?? this.scheduler.now() });
    });
    socket.on('presence', (p) => {
      const state = this.store.getState();
      this.store.setState({ presence: { ...state.presence, [p.incidentId]: p.viewers } });
    });
    socket.on('snapshot', (snapshot) => this.push({ kind: 'snapshot', snapshot }));
    socket.on('changes', (batch) => this.push({ kind: 'batch', batch }));
  }

  /** Tell the other desks which incident this screen shows (null: none). */
  view(incidentId: string | null): void {
    this.socket?.emit('presence:view', { incidentId });
  }

  disconnect(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
    this.socket?.disconnect();
    this.socket = null;
  }

  private setConnection(patch: Partial<ConnectionSlice>): void {
    const state = this.store.getState();
    this.store.setState({ connection: { ...state.connection, ...patch } });
  }

  /**
   * Whether the animation frame `frame` shows people incident changes: its flush applied some, or
   * will (they are buffered, and a flush scheduled before this frame runs in it). The feed paints
   * such a frame, so a slow map render should wait for the next one (see renderPacing).
   */
  showsIncidentChanges(frame: number): boolean {
    return this.incidentFrame === frame || this.buffer.some(showsIncidents);
  }

  private push(item: Buffered): void {
    this.buffer.push(item);
    if (!this.scheduled) {
      this.scheduled = true;
      this.scheduler.schedule((frame) => this.flush(frame));
    }
  }

  /** Apply everything buffered in one store update, in animation frame `frame`. */
  flush(frame: number = performance.now()): void {
    this.scheduled = false;
    if (this.buffer.some(showsIncidents)) this.incidentFrame = frame;
    if (this.buffer.length === 0) return;
    const started = performance.now();
    const buffered = this.buffer;
    this.buffer = [];
    const state = this.store.getState();
    const applied = applyBuffered(state.city, state.feed, buffered);
    this.store.setState({
      city: applied.city,
      feed: applied.feed,
      changes: applied.changes,
      connection: { ...state.connection, state: 'live', lastDataAt: this.scheduler.now(), disconnectedAt: null },
    });
    if (applied.gapFrom !== null) this.resume(applied.gapFrom);
    const took = performance.now() - started;
    this.stats.flushes += 1;
    this.stats.lastFlushMs = took;
    this.stats.maxFlushMs = Math.max(this.stats.maxFlushMs, took);
  }

  private resume(lastSeq: number): void {
    if (this.resuming || !this.socket) return;
    this.resuming = true;
    this.socket.timeout(10_000).emit('resume', { lastSeq }, () => {
      this.resuming = false;
    });
  }
}

let current: LiveBridge | null = null;

/** The signed-in session's live connection, for views that talk back (presence). */
export function currentBridge(): LiveBridge | null {
  return current;
}

export function setCurrentBridge(bridge: LiveBridge | null): void {
  current = bridge;
}
