// Composition: config → store → services → HTTP and realtime. Takes its dependencies, listens on
// the configured port (0 in tests), and closes cleanly, so tests start the real thing.

import http from 'node:http';
import path from 'node:path';
import fs from 'node:fs';
import express from 'express';
import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { SqliteStore } from './store/SqliteStore.ts';
import { PgStore } from './store/PgStore.ts';
import type { Store } from './store/Store.ts';
import { AuthService } from './services/auth.ts';
import { loadCityReference, sensorFromFixture, unitFromFixture, type CityReference } from './services/cityReference.ts';
import { IngestService } from './ingest/ingestService.ts';
import { IncidentService } from './services/incidents.ts';
import { MetricsService } from './services/metrics.ts';
import { DeadlineService } from './services/deadlines.ts';
import { deadlineRoutes } from './http/routes/deadlineRoutes.ts';
import { metricsRoutes } from './http/routes/metricsRoutes.ts';
import { SensorWatch } from './services/sensorWatch.ts';
import { DEFAULT_HUB_OPTIONS, LiveHub, type LiveNamespace, type LiveSocket } from './realtime/liveHub.ts';
import { createLiveServer } from './realtime/liveServer.ts';
import { PresenceTracker } from './realtime/presence.ts';
import { errorHandler, notFoundHandler, errorBody } from './http/errors.ts';
import { loadUser, policyGate } from './http/session.ts';
import { commandLimit, crossSiteGuard, loginLimit, securityHeaders } from './http/security.ts';
import { adminRoutes } from './http/routes/adminRoutes.ts';
import { callerRoutes } from './http/routes/callerRoutes.ts';
import { authRoutes } from './http/routes/authRoutes.ts';
import { ingestRoutes } from './http/routes/ingestRoutes.ts';
import { incidentRoutes } from './http/routes/incidentRoutes.ts';
import { cityRoutes } from './http/routes/cityRoutes.ts';
import { photoRoutes } from './http/routes/photoRoutes.ts';
import { MqttSource } from './ingest/mqttSource.ts';
import { open311Routes } from './ingest/open311.ts';
import { seedDemo, DEMO_ACCOUNTS, DEMO_INGEST_KEY } from './services/demoSeed.ts';
import { connectRedis, type RedisLink } from './realtime/redisLink.ts';
import { createRegistry, instrumentStore, metricsRoute, registerGauges } from './http/prometheus.ts';

export interface CityServer {
  config: Config;
  /** The Express app (the route matrix test walks its registered routes). */
  app: express.Express;
  url: string;
  port: number;
  logger: Logger;
  store: Store;
  city: CityReference;
  auth: AuthService;
  ingest: IngestService;
  incidents: IncidentService;
  hub: LiveHub;
  /** The /live namespace (tests inspect the events each socket handles). */
  live: LiveNamespace;
  metrics: MetricsService;
  deadlines: DeadlineService;
  sensorWatch: SensorWatch;
  mqtt: MqttSource | null;
  /** Scrub callers' personal data older than the retention period; returns rows scrubbed. */
  scrubCallers(now?: Date): Promise<number>;
  redis: RedisLink | null;
  close(): Promise<void>;
}

// Retention runs at start and then this often.
const RETENTION_SWEEP_MS = 3_600_000;

/** How often a node reads the change log's head to pick up what no relay brought (several nodes). */
const LOG_SYNC_MS = 1000;

/** Redis channels are named for the database the nodes share, so two clusters never mix. */
function channelKey(databaseUrl: string | undefined): string {
  if (!databaseUrl) return 'city';
  const url = new URL(databaseUrl);
  return `city:${url.hostname}:${url.port || '5432'}${url.pathname}`;
}

const cityCache = new Map<string, CityReference>();
/** Reference data is read-only; tests that start many servers share one parse of it. */
function cityReference(dir: string): CityReference {
  let city = cityCache.get(dir);
  if (!city) {
    city = loadCityReference(dir);
    cityCache.set(dir, city);
  }
  return city;
}

export interface StartHooks {
  /** Runs once the services exist and before anything from outside can reach them (the demo's past). */
  beforeListen?: (services: { store: Store; ingest: IngestService; incidents: IncidentService; deadlines: DeadlineService; city: CityReference; logger: Logger }) => Promise<void>;
}

export async function startCityServer(config: Config, hooks: StartHooks = {}): Promise<CityServer> {
  const logger = pino(
    { level: config.logLevel, redact: ['req.headers.cookie', 'req.headers.authorization', 'caller', '*.caller', 'password', '*.password'] },
    config.logDestination ?? pino.destination(1),
  );
  const { registry, storeLatency, incidentSendAge } = createRegistry();
  // The store: PostgreSQL when DATABASE_URL is set (several nodes), else the embedded file.
  const rawStore = config.databaseUrl ? await PgStore.open(config.databaseUrl) : SqliteStore.open(config.dataDir);
  const store = instrumentStore<Store>(rawStore, storeLatency);
  const city = cityReference(config.cityDir);
  const auth = new AuthService(store, { sessionTtlMs: config.sessionTtlMs, idleTimeoutMs: config.security.sessionIdleMs });

  // Reference data enters the store once; later starts keep what operators changed. Nodes
  // starting together take turns, so the demo accounts are created once.
  const seed = async () => {
    if ((await store.listUnits()).length === 0) await store.upsertUnits(city.units.map(unitFromFixture));
    if ((await store.listSensors()).length === 0) await store.upsertSensors(city.sensors.map(sensorFromFixture));
    await store.upsertCategories([...city.categories.values()]);
    if (config.demo) await seedDemo(store, auth, city, new Date());
  };
  if (rawStore instanceof PgStore) await rawStore.exclusive(seed);
  else await seed();

  const app = express();
  app.disable('x-powered-by');
  // Explicit: behind a proxy, TRUST_PROXY says which hops may set X-Forwarded-* (client address, TLS).
  app.set('trust proxy', config.security.trustProxy);
  app.use(securityHeaders());
  const httpServer = http.createServer(app);
  // Idle keep-alive connections stay open longer than clients and proxies keep them (Node's
  // fetch: 4 s; proxies: ~60 s), so the server is never the side that closes one just as a
  // request is sent on it (the client then sees ECONNRESET).
  httpServer.keepAliveTimeout = 65_000;
  httpServer.headersTimeout = 66_000;
  // Broadcast between nodes through Redis when REDIS_URL is set.
  const redis = config.redisUrl ? connectRedis(config.redisUrl, logger, channelKey(config.databaseUrl)) : null;
  const live = createLiveServer(httpServer, auth, { allowedOrigins: config.security.allowedOrigins, logger, ...(redis ? { adapter: redis.adapter } : {}) });
  const { io, nsp } = live;

  const sensors = await store.listSensors();
  const sensorDistrict = new Map(sensors.map((s) => [s.id, s.districtId]));
  const hub = new LiveHub(nsp, store, (id) => sensorDistrict.get(id), {
    ...DEFAULT_HUB_OPTIONS,
    batchMs: config.live.batchMs,
    factDelayMs: config.live.factDelayMs,
  });
  await hub.start();
  hub.onIncidentSent((ageMs) => incidentSendAge.observe(ageMs / 1000));
  await redis?.attach(nsp, hub);
  // Another node's commit reaches this one through Redis; the log is read too, so none is missed.
  const logSync = rawStore instanceof PgStore ? setInterval(() => void hub.sync().catch(() => undefined), LOG_SYNC_MS) : null;
  // Real time, unless a test injected its clock (never settable from the environment).
  const clock = config.clock ?? (() => new Date());
  const deadlines = new DeadlineService(store, hub, city, { ...config.workCalendar, timeZone: config.timeZone }, clock, {
    tickMs: config.deadlineTickMs,
    fixturesDir: config.cityDir,
  });
  await deadlines.load();
  const metrics = new MetricsService(store, hub, config.timeZone, 2000, clock);
  const ingest = new IngestService(store, city, hub, config.timeZone, [], config.autoLinkScore);
  ingest.setIncidentStamp(deadlines.stampNew);
  ingest.registerSensors(sensors);
  await ingest.start();
  const incidents = new IncidentService(store, hub, ingest, city, deadlines.stamp);

  // Requests in flight, so a shutdown can let them finish.
  let inFlight = 0;
  let draining = false;
  app.use((_req, res, next) => {
    inFlight += 1;
    res.once('close', () => (inFlight -= 1));
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // Ready: the store answers and the node is not shutting down. The adapter is reported; a Redis
  // outage alone keeps the node in rotation, because every node shares it and the change log
  // still carries every change (a second or two later).
  app.get('/readyz', async (_req, res) => {
    const storeReady = await store.isReady().catch(() => false);
    const adapterReady = redis ? redis.isReady() : true;
    const ok = storeReady && !draining;
    res.status(ok ? 200 : 503).json({ ok, store: store.kind, storeReady, adapter: redis ? 'redis' : 'memory', adapterReady, draining });
  });
  registerGauges(registry, {
    store,
    ingest,
    hub,
    nsp,
    redis,
    storeLatency,
    ...(rawStore instanceof PgStore ? { poolWaiting: () => rawStore.poolStats().waiting } : {}),
  });
  app.get('/metrics', metricsRoute(registry, config.metricsToken));
  app.use('/open311/v2', open311Routes(store, auth, ingest, city));
  app.use('/api', loadUser(auth));
  // Access log at debug level: who, what route, outcome. Paths only (queries may carry search text).
  app.use('/api', (req, res, next) => {
    const started = Date.now();
    res.on('finish', () => logger.debug({ method: req.method, path: `${req.baseUrl}${req.path}`, status: res.statusCode, userId: req.user?.id, ms: Date.now() - started }, 'request'));
    next();
  });
  // Refuse cross-site browser requests, then anything the policy table does not allow.
  app.use('/api', crossSiteGuard(config.security.allowedOrigins));
  app.use('/api', policyGate(logger));
  app.use('/api', commandLimit(config.security.commandRatePerMin));
  app.use('/api/auth/login', loginLimit(config.security.loginRatePerMin));
  // Ingest parses its own, larger body before the general JSON parser sees it.
  app.use('/api/ingest', ingestRoutes(auth, ingest, config.ingestRatePerMin));
  // Photos carry their own raw body parser and limit.
  app.use('/api', photoRoutes(store, config.dataDir));
  app.use('/api', express.json({ limit: '100kb' }));
  app.use('/api/auth', authRoutes(auth));
  app.use('/api/admin', adminRoutes(store, auth));
  app.use('/api', callerRoutes(store, config.security.revealRatePerHour));
  app.use('/api', incidentRoutes(store, incidents));
  app.use('/api', deadlineRoutes(store, deadlines));
  app.use('/api', metricsRoutes({ store, city, metrics, timeZone: config.timeZone }));
  app.use('/api', cityRoutes({ store, city, metrics, hub, fixturesDir: config.cityDir, tilesUrl: config.tilesUrl, timeZone: config.timeZone }));
  app.use('/api', notFoundHandler);
  // The map's tiles: one PMTiles archive read with HTTP range requests.
  app.use('/tiles', express.static(path.join(config.cityDir, 'map'), { maxAge: '1h', index: false }));
  if (config.staticDir && fs.existsSync(config.staticDir)) {
    const staticDir = config.staticDir;
    app.use(express.static(staticDir, { index: false, maxAge: '1h' }));
    // Client-side routes (/screen, /dispatch, …) all load the app shell.
    app.get(/^\/(?!api\/|tiles\/|socket\.io\/).*/, (_req, res) => {
      res.sendFile(path.join(staticDir, 'index.html'));
    });
  }
  app.use((_req, res) => {
    res.status(404).json(errorBody('not_found', 'not found'));
  });
  app.use(errorHandler(logger));

  const presence = new PresenceTracker(nsp);
  nsp.on('connection', (socket) => {
    presence.attach(socket as LiveSocket);
    hub.attach(socket as LiveSocket).catch((err: unknown) => {
      logger.error({ err }, 'live attach failed');
      socket.disconnect(true);
    });
  });

  const scrubCallers = async (now = new Date()) => {
    const scrubbed = await store.scrubCallers(new Date(now.getTime() - config.security.callerRetentionMs).toISOString());
    if (scrubbed > 0) logger.info({ scrubbed }, 'callers past retention scrubbed');
    return scrubbed;
  };
  await scrubCallers();
  const retention = setInterval(() => void scrubCallers().catch((err: unknown) => logger.error({ err }, 'caller retention failed')), RETENTION_SWEEP_MS);
  retention.unref();

  metrics.start();
  deadlines.start();
  const sensorWatch = new SensorWatch(store, hub);
  sensorWatch.start();
  await hooks.beforeListen?.({ store, ingest, incidents, deadlines, city, logger });
  const mqtt = config.mqttUrl ? new MqttSource(config.mqttUrl, ingest, logger) : null;
  await mqtt?.start();
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const address = httpServer.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  let closing: Promise<void> | null = null;
  /**
   * Graceful shutdown: leave rotation (/readyz 503), stop accepting connections, let requests in
   * flight finish (up to the grace period), then close the live sockets so their clients move to
   * another node and resume there from their last seq.
   */
  const close = () => {
    closing ??= (async () => {
      draining = true;
      const httpClosed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      httpServer.closeIdleConnections();
      metrics.stop();
      await deadlines.stop();
      sensorWatch.stop();
      clearInterval(retention);
      if (logSync) clearInterval(logSync);
      live.close();
      await mqtt?.stop();
      const deadline = Date.now() + config.shutdownGraceMs;
      while (inFlight > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await hub.flush().catch(() => undefined);
      hub.close();
      await new Promise<void>((resolve) => io.close(() => resolve()));
      httpServer.closeAllConnections();
      await httpClosed;
      await redis?.close();
      await store.close();
    })();
    return closing;
  };

  return { config, app, url: `http://${host}:${port}`, port, logger, store, city, auth, ingest, incidents, hub, live: nsp, metrics, deadlines, sensorWatch, mqtt, redis, scrubCallers, close };
}

export { DEMO_ACCOUNTS, DEMO_INGEST_KEY };
