// GET /metrics in the Prometheus text format: ingest rate, queue depths, connected sockets,
// event-loop delay (prom-client's default nodejs_eventloop_lag_* gauges) and store latency.
// Not for the world: it answers a loopback caller that came through no proxy, or a caller with
// `Authorization: Bearer <METRICS_TOKEN>`; everyone else gets 404, as if it were not there.

import { timingSafeEqual } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import client from 'prom-client';
import type { Store } from '../store/Store.ts';
import type { IngestService } from '../ingest/ingestService.ts';
import type { LiveHub, LiveNamespace } from '../realtime/liveHub.ts';
import type { RedisLink } from '../realtime/redisLink.ts';
import { errorBody } from './errors.ts';

export interface PrometheusSources {
  store: Store;
  ingest: IngestService;
  hub: LiveHub;
  nsp: LiveNamespace;
  redis: RedisLink | null;
  /** Latency recorder the instrumented store reports to. */
  storeLatency: client.Histogram<'op' | 'store'>;
  poolWaiting?: () => number;
}

/** One registry per server (tests start several in one process). */
export function createRegistry(): { registry: client.Registry; storeLatency: client.Histogram<'op' | 'store'>; incidentSendAge: client.Histogram } {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const storeLatency = new client.Histogram({
    name: 'city_store_op_seconds',
    help: 'Store calls by method: time from call to answer',
    labelNames: ['op', 'store'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const incidentSendAge = new client.Histogram({
    name: 'city_live_incident_send_age_seconds',
    help: "Incident changes sent to screens: time from the change's server timestamp to its send (the server's share of event → pixel)",
    buckets: [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.25, 0.3, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return { registry, storeLatency, incidentSendAge };
}

/** The store with every async method timed into `histogram`; behaviour unchanged. */
export function instrumentStore<S extends Store>(store: S, histogram: client.Histogram<'op' | 'store'>): S {
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      return (...args: unknown[]) => {
        const started = performance.now();
        const result: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (result instanceof Promise) {
          const done = () => histogram.observe({ op: property, store: target.kind }, (performance.now() - started) / 1000);
          result.then(done, done);
        }
        return result;
      };
    },
  });
}

export function registerGauges(registry: client.Registry, s: PrometheusSources): void {
  const registers = [registry];
  new client.Counter({
    name: 'city_ingest_events_total',
    help: 'Ingest items by outcome since start (rate() of it is the ingest rate)',
    labelNames: ['status'] as const,
    registers,
    collect() {
      this.reset();
      for (const status of ['accepted', 'duplicate', 'rejected'] as const) this.inc({ status }, s.ingest.stats[status]);
    },
  });
  new client.Counter({
    name: 'city_ingest_commits_total',
    help: 'Group commits of ingest since start',
    registers,
    collect() {
      this.reset();
      this.inc(s.ingest.stats.commits);
    },
  });
  new client.Gauge({
    name: 'city_queue_depth',
    help: 'Items waiting: ingest items for the next commit, facts waiting for an earlier seq, store connections awaited',
    labelNames: ['queue'] as const,
    registers,
    collect() {
      this.set({ queue: 'ingest' }, s.ingest.queueDepth);
      this.set({ queue: 'live_pending_facts' }, s.hub.pendingFacts);
      if (s.poolWaiting) this.set({ queue: 'store_pool' }, s.poolWaiting());
    },
  });
  new client.Gauge({
    name: 'city_live_sockets',
    help: 'Live (Socket.IO) connections on this node',
    registers,
    collect() {
      this.set(s.nsp.sockets.size);
    },
  });
  new client.Gauge({
    name: 'city_live_published_seq',
    help: 'Last change-log seq this node has sent to its screens',
    registers,
    collect() {
      this.set(s.hub.publishedSeq);
    },
  });
  new client.Counter({
    name: 'city_live_batches_total',
    help: 'Change batches this node has sent',
    registers,
    collect() {
      this.reset();
      this.inc(s.hub.stats.batches);
    },
  });
  if (s.redis) {
    const redis = s.redis;
    new client.Gauge({
      name: 'city_redis_up',
      help: '1 when both Redis connections of the adapter are ready',
      registers,
      collect() {
        this.set(redis.isReady() ? 1 : 0);
      },
    });
    new client.Counter({
      name: 'city_redis_messages_total',
      help: 'Messages between nodes: relayed, received, dropped during a Redis outage',
      labelNames: ['kind'] as const,
      registers,
      collect() {
        this.reset();
        for (const kind of ['relayed', 'received', 'dropped'] as const) this.inc({ kind }, redis.stats[kind]);
      },
    });
  }
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

function allowed(req: Request, token: string | undefined): boolean {
  const auth = req.headers.authorization;
  if (token && auth?.startsWith('Bearer ')) {
    const given = Buffer.from(auth.slice(7));
    const expected = Buffer.from(token);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return true;
  }
  // A request a local proxy forwarded is not a local caller.
  const forwarded = req.headers['x-forwarded-for'] !== undefined || req.headers.forwarded !== undefined;
  return !forwarded && LOOPBACK.has(req.socket.remoteAddress ?? '');
}

export function metricsRoute(registry: client.Registry, token: string | undefined): RequestHandler {
  return (req, res, next) => {
    if (!allowed(req, token)) {
      res.status(404).json(errorBody('not_found', 'not found'));
      return;
    }
    registry
      .metrics()
      .then((text) => {
        res.setHeader('content-type', registry.contentType);
        res.send(text);
      })
      .catch(next);
  };
}
