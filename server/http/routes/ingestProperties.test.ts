// Property tests: arbitrary values thrown at the ingest schemas and endpoint never cause a 500 or
// a crash; every item gets a typed answer.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IngestEventSchema } from '../../../shared/protocol/schemas.ts';
import { postJson, startTestServer } from '../../testing/harness.ts';

const eventLike = fc.record(
  {
    source: fc.oneof(fc.constantFrom('hotline', 'sensor', 'patrol', 'camera', 'system'), fc.string()),
    sourceEventId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
    occurredAt: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
    payload: fc.oneof(fc.object(), fc.jsonValue()),
  },
  { requiredKeys: [] },
);

describe('ingest under arbitrary input', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  it('the schema never throws, whatever it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), eventLike), (value) => {
        const result = IngestEventSchema.safeParse(value);
        expect(typeof result.success).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });

  it('the endpoint answers every batch with a typed result per item, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(eventLike, fc.jsonValue()), { minLength: 1, maxLength: 20 }), async (events) => {
        const res = await postJson(server.url, '/api/ingest/events', { events }, { authorization: 'Bearer demo-ingest-key' });
        expect(res.status).toBe(200);
        expect(res.body.results).toHaveLength(events.length);
        for (const r of res.body.results) {
          expect(['accepted', 'duplicate', 'rejected']).toContain(r.status);
          if (r.status === 'rejected') expect(r.error.details.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a body of any JSON shape gets a 4xx with the contract error, never a 500', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (body) => {
        const res = await postJson(server.url, '/api/ingest/events', JSON.stringify(body), { authorization: 'Bearer demo-ingest-key' });
        if (res.status === 200) return;
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect(typeof res.body.error.code).toBe('string');
      }),
      { numRuns: 150 },
    );
    expect((await postJson(server.url, '/api/ingest/events', { events: [] }, { authorization: 'Bearer demo-ingest-key' })).status).toBe(400);
  });
});
