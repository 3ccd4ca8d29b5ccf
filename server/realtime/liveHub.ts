// The realtime hub: takes committed changes and latest-value telemetry, and sends them to the
// connected screens in ordered, contiguous batches — one encode per scope room, not per socket.
// Facts go out within `factDelayMs`; telemetry is coalesced and goes out every `batchMs`.

import type { Namespace, Socket } from 'socket.io';
import type {
  Change,
  ChangeBatch,
  ClientToServerEvents,
  ResumeResult,
  ServerToClientEvents,
  Snapshot,
} from '../../shared/protocol/changes.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import type { CityMetrics, SensorState, Unit, User } from '../../shared/domain/types.ts';
import type { Store } from '../store/Store.ts';
import { isVisible, roomOf, scopeOf, scopeOfRoom, type Scope } from './scope.ts';

export type LiveNamespace = Namespace<ClientToServerEvents, ServerToClientEvents>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, Record<string, never>, { user: User }>;

export interface LiveHubOptions {
  batchMs: number;
  factDelayMs: number;
  /** A client further behind than this many changes gets a fresh snapshot instead of a replay. */
  maxReplay: number;
  /** How far back a snapshot includes finished incidents. */
  recentMs: number;
  maxSnapshotIncidents: number;
}

export const DEFAULT_HUB_OPTIONS: LiveHubOptions = {
  batchMs: 100,
  factDelayMs: 10,
  maxReplay: 50_000,
  recentMs: 24 * 3_600_000,
  maxSnapshotIncidents: 20_000,
};

/** How long a shared read of the log (which never changes) and of telemetry (which may) is reused. */
const IMMUTABLE_MS = 5_000;
const TELEMETRY_SHARE_MS = 100;

/** Where a node hands what it commits, for the hubs of the other nodes. */
export interface HubRelay {
  facts(changes: readonly Change[]): void;
  sensor(state: SensorState): void;
  unit(unit: Unit): void;
}

export class LiveHub {
  private published = 0;
  private pending: Change[] = [];
  private readonly sensorDirty = new Map<string, SensorState>();
  private readonly unitDirty = new Map<string, Unit>();
  private metrics: CityMetrics | null = null;
  private metricsDirty = false;
  private timer: NodeJS.Timeout | null = null;
  private timerDue = Infinity;
  private gapSince: number | null = null;
  private closed = false;
  /** Counters for /metrics and the benchmarks. */
  readonly stats = { batches: 0, emits: 0, changes: 0 };

  constructor(
    private readonly nsp: LiveNamespace,
    private readonly store: Store,
    private readonly sensorDistrict: (id: string) => string | undefined,
    private readonly options: LiveHubOptions = DEFAULT_HUB_OPTIONS,
  ) {}

  async start(): Promise<void> {
    this.published = await this.store.headSeq();
  }

  get publishedSeq(): number {
    return this.published;
  }

  get currentMetrics(): CityMetrics | null {
    return this.metrics;
  }

  private readonly factListeners: ((changes: readonly Change[]) => void)[] = [];

  /** Be told of every committed fact as it is published (in-process consumers such as indexes). */
  onFacts(listener: (changes: readonly Change[]) => void): void {
    this.factListeners.push(listener);
  }

  private readonly sentListeners: ((ageMs: number) => void)[] = [];

  /**
   * Be told, for each incident change sent, how long after its server timestamp it went out:
   * the server's share of event → pixel, for /metrics.
   */
  onIncidentSent(listener: (ageMs: number) => void): void {
    this.sentListeners.push(listener);
  }

  private relay: HubRelay | null = null;

  /** Several nodes: what this node commits is also handed to `relay`, for the other nodes' hubs. */
  setRelay(relay: HubRelay | null): void {
    this.relay = relay;
  }

  /** Committed facts, in any order; they go out in seq order once contiguous. */
  publish(changes: readonly Change[]): void {
    if (changes.length === 0) return;
    this.relay?.facts(changes);
    this.receive(changes);
  }

  /** Facts another node committed (or read back from the log): published here, not relayed again. */
  receive(changes: readonly Change[]): void {
    if (changes.length === 0) return;
    for (const listener of this.factListeners) listener(changes);
    this.merge(changes);
    this.schedule(this.options.factDelayMs);
  }

  /** Add facts to those waiting, once each, in seq order. */
  private merge(changes: readonly Change[]): void {
    const known = new Set(this.pending.map((c) => c.seq));
    for (const c of changes) {
      if (c.seq > this.published && !known.has(c.seq)) {
        this.pending.push(c);
        known.add(c.seq);
      }
    }
    this.pending.sort((a, b) => a.seq - b.seq);
  }

  /** Facts waiting for an earlier seq before they can go out (a queue depth for /metrics). */
  get pendingFacts(): number {
    return this.pending.length;
  }

  sensor(state: SensorState, relay = true): void {
    if (relay) this.relay?.sensor(state);
    this.sensorDirty.set(state.id, state);
    this.schedule(this.options.batchMs);
  }

  unit(unit: Unit, relay = true): void {
    if (relay) this.relay?.unit(unit);
    this.unitDirty.set(unit.id, unit);
    this.schedule(this.options.batchMs);
  }

  private lastSyncHead = 0;

  /**
   * The correctness path between nodes: read the log's head and take from the log whatever no
   * relay brought. A lag seen on two checks in a row (or `now`) is read back, so a message lost
   * in a Redis outage delays a change by at most two periods and never drops it.
   */
  async sync(now = false): Promise<void> {
    const head = await this.store.headSeq();
    const known = Math.max(this.published, this.pending.length ? this.pending[this.pending.length - 1]!.seq : 0);
    const behind = head > known && (now || this.lastSyncHead > this.published);
    this.lastSyncHead = head;
    if (!behind) return;
    this.receive(await this.store.changesAfter(this.published, head));
    if (now) await this.flush();
  }

  setMetrics(metrics: CityMetrics): void {
    this.metrics = metrics;
    this.metricsDirty = true;
    this.schedule(this.options.batchMs);
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    const due = Date.now() + delayMs;
    if (this.timer && this.timerDue <= due) return;
    if (this.timer) clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.timerDue = Infinity;
      // A store that cannot be read right now (a gap to fill) is tried again shortly.
      this.flush().catch(() => this.schedule(this.options.batchMs));
    }, delayMs);
  }

  /** Take the contiguous run of pending facts that follows `after`, dropping resends of earlier ones. */
  private takeContiguous(after = this.published): Change[] {
    const taken: Change[] = [];
    let expected = after + 1;
    let i = 0;
    for (; i < this.pending.length; i += 1) {
      const c = this.pending[i]!;
      if (c.seq < expected) continue;
      if (c.seq !== expected) break;
      taken.push(c);
      expected += 1;
    }
    this.pending = this.pending.slice(i).filter((c) => c.seq >= expected);
    return taken;
  }

  private flushing: Promise<void> = Promise.resolve();

  /** Send everything ready. Safe to call at any time: flushes run one after another. */
  flush(): Promise<void> {
    this.flushing = this.flushing.then(
      () => this.flushOnce(),
      () => this.flushOnce(),
    );
    return this.flushing;
  }

  private async flushOnce(): Promise<void> {
    let facts = this.takeContiguous();
    if (this.pending.length > 0) {
      // A hole: some commit has not been published yet. Give it a moment, then read it back.
      this.gapSince ??= Date.now();
      if (Date.now() - this.gapSince > 1000) {
        const after = this.published + facts.length;
        const upTo = this.pending[this.pending.length - 1]!.seq;
        this.merge(await this.store.changesAfter(after, upTo));
        facts = [...facts, ...this.takeContiguous(after)];
        this.gapSince = null;
        if (this.pending.length > 0) this.schedule(this.options.factDelayMs * 5 + 20);
      } else {
        this.schedule(this.options.factDelayMs * 5 + 20);
      }
    }
    if (this.pending.length === 0) this.gapSince = null;

    const telemetry: Change[] = [];
    const toSeq = facts.length > 0 ? facts[facts.length - 1]!.seq : this.published;
    for (const sensor of this.sensorDirty.values()) telemetry.push({ seq: toSeq, type: 'sensor', sensor });
    for (const unit of this.unitDirty.values()) telemetry.push({ seq: toSeq, type: 'unit', unit });
    if (this.metricsDirty && this.metrics) telemetry.push({ seq: toSeq, type: 'metrics', metrics: this.metrics });
    this.sensorDirty.clear();
    this.unitDirty.clear();
    this.metricsDirty = false;
    if (facts.length === 0 && telemetry.length === 0) return;

    const fromSeq = this.published + 1;
    this.published = toSeq;
    const all = facts.length && telemetry.length ? [...facts, ...telemetry] : facts.length ? facts : telemetry;
    this.stats.batches += 1;
    this.stats.changes += all.length;
    for (const room of this.nsp.adapter.rooms.keys()) {
      const scope = scopeOfRoom(room);
      if (!scope) continue;
      const batch: ChangeBatch = { fromSeq, toSeq, changes: this.filter(scope, all) };
      // `local`: each node sends what its own hub publishes; the log is shared, not the sockets.
      this.nsp.local.to(room).emit('changes', batch);
      this.stats.emits += 1;
    }
    if (this.sentListeners.length > 0) {
      const sentAt = Date.now();
      for (const c of facts) {
        if (c.type !== 'incident') continue;
        const age = sentAt - Date.parse(c.incident.updatedAt);
        for (const listener of this.sentListeners) listener(age);
      }
    }
  }

  private filter(scope: Scope, changes: Change[]): Change[] {
    if (scope.kind === 'city') return changes;
    return changes.filter((c) => isVisible(scope, c, this.sensorDistrict));
  }

  /** A new connection: greet it, bring it up to date (snapshot or replay), then let it join. */
  async attach(socket: LiveSocket): Promise<void> {
    const user = socket.data.user;
    socket.emit('hello', { protocolVersion: PROTOCOL_VERSION, user, serverTime: new Date().toISOString() });
    const lastSeq = Number((socket.handshake.auth as Record<string, unknown> | undefined)?.lastSeq);
    if (Number.isInteger(lastSeq) && lastSeq > 0 && (await this.canReplay(lastSeq))) {
      await this.catchUp(socket, lastSeq);
    } else {
      await this.sendSnapshot(socket);
    }
    socket.on('resume', (request, ack) => {
      void this.resume(socket, request, typeof ack === 'function' ? ack : () => undefined);
    });
  }

  private async resume(socket: LiveSocket, request: unknown, ack: (r: ResumeResult) => void): Promise<void> {
    const lastSeq = Number((request as { lastSeq?: unknown } | null)?.lastSeq);
    if (!Number.isInteger(lastSeq) || lastSeq < 0) {
      ack({ ok: false, code: 'bad_request', message: 'lastSeq must be a non-negative integer' });
      return;
    }
    // Leave the live stream while catching up, so nothing arrives out of order.
    socket.leave(roomOf(scopeOf(socket.data.user)));
    if (lastSeq > 0 && (await this.canReplay(lastSeq))) {
      const toSeq = await this.catchUp(socket, lastSeq);
      ack({ ok: true, mode: 'changes', toSeq });
    } else {
      const toSeq = await this.sendSnapshot(socket);
      ack({ ok: true, mode: 'snapshot', toSeq });
    }
  }

  private async canReplay(lastSeq: number): Promise<boolean> {
    // A client from another node may be ahead of this hub: catch up from the log first.
    if (lastSeq > this.published) await this.sync(true);
    return lastSeq <= this.published && this.published - lastSeq <= this.options.maxReplay;
  }

  /**
   * Replay (lastSeq, published] from the log, then join the room. The loop closes the window in
   * which the hub may publish while the log is being read: the join happens in the same tick as
   * the check that nothing more was published.
   */
  private async catchUp(socket: LiveSocket, lastSeq: number): Promise<number> {
    const scope = scopeOf(socket.data.user);
    const since = (await this.shared(`time:${lastSeq}`, IMMUTABLE_MS, () => this.store.changeTime(lastSeq))) ?? new Date(0).toISOString();
    let from = lastSeq;
    let first = true;
    for (;;) {
      const to = this.published;
      // Clients resuming together mostly ask for the same range: one read serves them all.
      const facts = to > from ? await this.shared(`log:${from}:${to}`, IMMUTABLE_MS, () => this.store.changesAfter(from, to)) : [];
      const telemetry: Change[] = [];
      if (first) {
        // Latest values that changed while away: telemetry is not replayed, it is refreshed.
        const [sensors, units] = await Promise.all([
          this.shared(`sensors:${since}`, TELEMETRY_SHARE_MS, () => this.store.sensorStatesSince(since)),
          this.shared('units', TELEMETRY_SHARE_MS, () => this.store.listUnits()),
        ]);
        for (const sensor of sensors) telemetry.push({ seq: to, type: 'sensor', sensor });
        for (const unit of units) telemetry.push({ seq: to, type: 'unit', unit });
        if (this.metrics) telemetry.push({ seq: to, type: 'metrics', metrics: this.metrics });
      }
      if (to > from || first) {
        socket.emit('changes', { fromSeq: from + 1, toSeq: to, changes: this.filter(scope, [...facts, ...telemetry]) });
      }
      first = false;
      from = to;
      if (this.published === to) break;
    }
    socket.join(roomOf(scope));
    return from;
  }

  private async sendSnapshot(socket: LiveSocket): Promise<number> {
    const scope = scopeOf(socket.data.user);
    const recentSince = new Date(Date.now() - this.options.recentMs).toISOString();
    // Snapshots asked for at the same time share one read; each client then catches up from its seq.
    const state = await this.shared('snapshot', 0, () => this.store.snapshot(recentSince, this.options.maxSnapshotIncidents));
    // Clients skip facts at or below the snapshot's seq, so a batch racing this read is harmless.
    const visible = (c: Change) => isVisible(scope, c, this.sensorDistrict);
    const snapshot: Snapshot = {
      protocolVersion: PROTOCOL_VERSION,
      seq: state.seq,
      incidents: state.incidents.filter((incident) => visible({ seq: 0, type: 'incident', incident })),
      tasks: state.tasks.filter((task) => visible({ seq: 0, type: 'task', task })),
      units: state.units.filter((unit) => visible({ seq: 0, type: 'unit', unit })),
      sensors: state.sensors.filter((s) => scope.kind !== 'district' || s.districtId === scope.districtId),
      alarms: state.alarms.filter((alarm) => visible({ seq: 0, type: 'alarm', alarm })),
      metrics: scope.kind !== 'district' ? this.metrics : null,
    };
    socket.emit('snapshot', snapshot);
    // If the hub published past the snapshot while it was read, replay the difference first.
    if (this.published > state.seq) return this.catchUp(socket, state.seq);
    socket.join(roomOf(scope));
    return state.seq;
  }

  private readonly reads = new Map<string, { at: number; settled: boolean; value: Promise<unknown> }>();

  /**
   * One store read shared by every caller asking for `key` while it is in flight, or within
   * `ttlMs` after it started (a reconnect storm asks the same questions hundreds of times).
   */
  private shared<T>(key: string, ttlMs: number, read: () => Promise<T>): Promise<T> {
    const now = Date.now();
    const hit = this.reads.get(key);
    if (hit && (!hit.settled || now - hit.at <= ttlMs)) return hit.value as Promise<T>;
    if (this.reads.size > 1000) {
      for (const [k, entry] of this.reads) if (entry.settled && now - entry.at > IMMUTABLE_MS) this.reads.delete(k);
    }
    const entry = { at: now, settled: false, value: read() as Promise<unknown> };
    entry.value.then(
      () => (entry.settled = true),
      () => this.reads.delete(key),
    );
    this.reads.set(key, entry);
    return entry.value as Promise<T>;
  }

  /** Drop every live connection (shutdown, or a test of the client's reconnect path). */
  disconnectAll(): void {
    // `local`: with the Redis adapter a plain disconnectSockets would reach every node's sockets.
    this.nsp.local.disconnectSockets(true);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
