// Operations: /readyz, /metrics (Prometheus; loopback or a token only), and graceful shutdown
// (requests in flight finish; live sockets are closed so their clients move to another node).
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INGEST_KEY, LiveClient, getJson, ingest, login, patrolReport, startTestServer } from '../testing/harness.ts';

const TOKEN = 'metrics-token-0123456789';

describe('readiness and metrics', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ metricsToken: TOKEN });
  });
  afterAll(async () => {
    await server.close();
  });

  it('says the store and adapter are ready', async () => {
    const res = await getJson(server.url, '/readyz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, store: 'sqlite', storeReady: true, adapter: 'memory', adapterReady: true, draining: false });
  });

  it('serves Prometheus text to a loopback caller: ingest, queues, sockets, event loop, store latency, send age', async () => {
    const client = new LiveClient(server.url, await login(server.url, 'operator'));
    try {
      await client.until(() => client.snapshots.length > 0, 'snapshot');
      expect((await ingest(server.url, [patrolReport(), patrolReport()])).status).toBe(200);
      const sentIncidents = () => client.batches.flatMap((b) => b.changes).filter((c) => c.type === 'incident').length;
      await client.until(() => sentIncidents() >= 2, 'both new incidents sent');
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const text = await res.text();
      const value = (pattern: RegExp) => Number(pattern.exec(text)?.[1]);
      expect(value(/^city_ingest_events_total\{status="accepted"\} (\d+)/m)).toBeGreaterThanOrEqual(2);
      expect(value(/^city_live_sockets (\d+)/m)).toBe(1);
      expect(value(/^city_queue_depth\{queue="ingest"\} (\d+)/m)).toBe(0);
      expect(text).toMatch(/^city_queue_depth\{queue="live_pending_facts"\} \d+/m);
      expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds \d/m);
      expect(value(/^city_store_op_seconds_count\{op="ingest",store="sqlite"\} (\d+)/m)).toBeGreaterThanOrEqual(1);
      // The server's share of event → pixel: one observation per incident change sent.
      expect(value(/^city_live_incident_send_age_seconds_count (\d+)/m)).toBe(sentIncidents());
      expect(value(/^city_live_incident_send_age_seconds_bucket\{le="5"\} (\d+)/m)).toBe(sentIncidents());
    } finally {
      client.close();
    }
  });

  it('hides /metrics from anything a proxy forwarded, unless it brings the token', async () => {
    const forwarded = { 'x-forwarded-for': '203.0.113.9' };
    expect((await fetch(`${server.url}/metrics`, { headers: forwarded })).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { headers: { ...forwarded, authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(404);
    expect((await fetch(`${server.url}/metrics`, { headers: { ...forwarded, authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight, then closes live sockets so clients go elsewhere', async () => {
    const server = await startTestServer();
    const client = new LiveClient(server.url, await login(server.url, 'operator'));
    await client.until(() => client.snapshots.length > 0, 'snapshot');
    const disconnected = new Promise<string>((resolve) => client.socket.once('disconnect', (reason) => resolve(reason)));

    // A request whose body is still arriving when the shutdown starts.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const { port } = new URL(server.url);
    await new Promise<void>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, (res) => res.resume().on('end', resolve)).on('error', reject);
    });
    const body = JSON.stringify({ events: [patrolReport()] });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: '/api/ingest/events', method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: `Bearer ${INGEST_KEY}`, 'content-length': Buffer.byteLength(body) } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        },
      );
      req.on('error', reject);
      req.write(body.slice(0, 10));
      // The headers are in; finish the body once the shutdown is under way.
      setTimeout(() => req.end(body.slice(10)), 200);
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    const closing = server.close();
    const res = await response;
    expect(res.status).toBe(200);
    expect(JSON.parse(res.text).results[0].status).toBe('accepted');
    // The transport closes (not a server "disconnect" packet): socket.io clients reconnect on
    // their own after that, through the load balancer to another node, and resume from their seq.
    expect(await disconnected).toBe('transport close');
    await closing;
    agent.destroy();
    await expect(fetch(`${server.url}/healthz`)).rejects.toThrow();
  });
});
