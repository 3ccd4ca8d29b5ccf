// Several nodes (REDIS_URL): Socket.IO's Redis adapter (@socket.io/redis-adapter, the classic
// pub/sub one) joins the nodes, and each node relays what it commits to the others with
// serverSideEmit. Every hub then publishes the whole ordered log to its own sockets.
//
// Why the classic adapter: one Redis serves the cluster, the traffic is a handful of channels, and
// serverSideEmit is what carries the facts. The sharded adapter pays off on a Redis Cluster with
// many rooms; the streams adapter's session recovery duplicates what resume-from-seq already does.
//
// Redis is the fast path, never the correctness path: a message lost in an outage is read back
// from the change log by LiveHub.sync, so an outage delays changes by a second or two and loses
// none. Hence no Redis error may reach the process: clients have error listeners, publishes
// during an outage are dropped (not queued), and subscriptions are retried until Redis returns.

import { Redis } from 'ioredis';
import { createAdapter } from '@socket.io/redis-adapter';
import type { Namespace } from 'socket.io';
import type { Logger } from 'pino';
import type { Change } from '../../shared/protocol/changes.ts';
import type { SensorState, Unit } from '../../shared/domain/types.ts';
import type { LiveHub, LiveNamespace } from './liveHub.ts';

const TELEMETRY_MS = 50;

export interface RedisLink {
  /** For `new Server(..., { adapter })`. */
  adapter: ReturnType<typeof createAdapter>;
  isReady(): boolean;
  /** Messages relayed to other nodes, received from them, and dropped while Redis was away. */
  readonly stats: { relayed: number; received: number; dropped: number };
  /** Relay this node's commits through `nsp`, and publish the other nodes' to `hub`. */
  attach(nsp: LiveNamespace, hub: LiveHub): Promise<void>;
  close(): Promise<void>;
}

/**
 * `key` prefixes the adapter's channels: clusters (or test runs) sharing one Redis but not one
 * database must not hear each other's changes.
 */
export function connectRedis(url: string, logger: Logger, key = 'city'): RedisLink {
  // Publishing fails fast while Redis is away (the log covers it); subscribing retries for ever.
  const pub = new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectionName: 'city-pub' });
  const sub = new Redis(url, { maxRetriesPerRequest: null, connectionName: 'city-sub' });
  const stats = { relayed: 0, received: 0, dropped: 0 };
  let down = false;
  const onError = (err: Error) => {
    if (!down) logger.warn({ err: err.message }, 'Redis unreachable: live changes between nodes now come from the change log');
    down = true;
  };
  const onReady = () => {
    if (down) logger.info('Redis reachable again');
    down = false;
  };
  for (const client of [pub, sub]) {
    client.on('error', onError);
    client.on('ready', onReady);
  }
  // The adapter calls these without handling their promises; a command refused during an outage
  // (or cut short by shutdown) must not become an unhandled rejection that ends the process.
  swallow(pub, 'publish', () => {
    stats.dropped += 1;
    return 0;
  });
  for (const method of ['psubscribe', 'subscribe', 'punsubscribe', 'unsubscribe'] as const) swallow(sub, method, () => undefined);

  let relayTimer: NodeJS.Timeout | null = null;
  const sensors = new Map<string, SensorState>();
  const units = new Map<string, Unit>();

  return {
    adapter: createAdapter(pub, sub, { key }),
    stats,
    isReady: () => pub.status === 'ready' && sub.status === 'ready',
    async attach(liveNsp, hub) {
      const nsp = liveNsp as unknown as Namespace;
      const send = (event: string, payload: unknown) => {
        stats.relayed += 1;
        nsp.serverSideEmit(event, JSON.stringify(payload));
      };
      const flushTelemetry = () => {
        relayTimer = null;
        if (sensors.size) send('telemetry', { sensors: [...sensors.values()], units: [] });
        if (units.size) send('telemetry', { sensors: [], units: [...units.values()] });
        sensors.clear();
        units.clear();
      };
      const later = () => {
        relayTimer ??= setTimeout(flushTelemetry, TELEMETRY_MS);
      };
      hub.setRelay({
        facts: (changes) => send('facts', changes),
        sensor: (state) => {
          sensors.set(state.id, state);
          later();
        },
        unit: (unit) => {
          units.set(unit.id, unit);
          later();
        },
      });
      nsp.on('facts', (json: string) => {
        stats.received += 1;
        hub.receive(JSON.parse(json) as Change[]);
      });
      nsp.on('telemetry', (json: string) => {
        stats.received += 1;
        const t = JSON.parse(json) as { sensors: SensorState[]; units: Unit[] };
        for (const s of t.sensors) hub.sensor(s, false);
        for (const u of t.units) hub.unit(u, false);
      });
      // Commands on one connection run in order: once this answers, the adapter's subscriptions
      // are in place (or Redis is away, and the log carries changes until it is back).
      await Promise.race([sub.ping().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 3000).unref())]);
    },
    async close() {
      if (relayTimer) clearTimeout(relayTimer);
      pub.disconnect();
      sub.disconnect();
    },
  };
}

/** Replace `client[method]` with a version whose rejection is answered by `fallback`. */
function swallow(client: Redis, method: 'publish' | 'psubscribe' | 'subscribe' | 'punsubscribe' | 'unsubscribe', fallback: () => unknown): void {
  const target = client as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  const raw = target[method]!.bind(client);
  target[method] = (...args: unknown[]) => raw(...args).catch(fallback);
}
