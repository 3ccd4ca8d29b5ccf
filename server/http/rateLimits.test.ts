import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingest, patrolReport, postJson, startTestServer } from '../testing/harness.ts';

describe('ingest rate limit per API key', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer({ ingestRatePerMin: 3 });
  });
  afterAll(async () => {
    await server.close();
  });

  it('answers 429 with Retry-After past the limit, for that key only', async () => {
    for (let k = 0; k < 3; k += 1) expect((await ingest(server.url, [patrolReport()])).status).toBe(200);
    const limited = await ingest(server.url, [patrolReport()]);
    expect(limited.status).toBe(429);
    expect(limited.body.error.code).toBe('rate_limited');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const otherKey = await server.auth.createApiKey('second system', new Date().toISOString());
    const other = await postJson(server.url, '/api/ingest/events', { events: [patrolReport()] }, { authorization: `Bearer ${otherKey}` });
    expect(other.status).toBe(200);
  });
});
