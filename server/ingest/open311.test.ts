import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SAMPLE_PLACE, startTestServer } from '../testing/harness.ts';

describe('Open311 GeoReport v2', () => {
  let server: Awaited<ReturnType<typeof startTestServer>>;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  const get = async (path: string) => {
    const res = await fetch(`${server.url}/open311/v2${path}`);
    return { status: res.status, body: (await res.json()) as any };
  };
  const post = async (form: Record<string, string>) => {
    const res = await fetch(`${server.url}/open311/v2/requests.json`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const code = 'municipal.roads.pothole';
  const valid = () => ({ api_key: 'demo-ingest-key', service_code: code, lat: String(SAMPLE_PLACE.location[1]), long: String(SAMPLE_PLACE.location[0]), description: 'Deep pothole in the right lane', first_name: 'Jane', phone: '3125550100' });

  it('lists services from the category tree, with the spec fields', async () => {
    const { status, body } = await get('/services.json');
    expect(status).toBe(200);
    expect(body.length).toBe(server.city.categories.size);
    expect(Object.keys(body[0]).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
    expect((await get(`/services/${code}.json`)).body).toEqual({ service_code: code, attributes: [] });
    expect(await get('/services/nothing.here.json')).toEqual({ status: 404, body: [{ code: 404, description: 'service_code nothing.here not found' }] });
  });

  it('creates a request from a form post and reads it back, open; keeps no personal fields', async () => {
    const created = await post(valid());
    expect(created.status).toBe(201);
    const id = created.body[0].service_request_id;
    expect(created.body[0]).toEqual({ service_request_id: id, service_notice: '', account_id: null });
    const one = await get(`/requests/${id}.json`);
    expect(one.body).toHaveLength(1);
    expect(one.body[0]).toMatchObject({ service_request_id: id, status: 'open', service_code: code, description: 'Deep pothole in the right lane', lat: SAMPLE_PLACE.location[1], long: SAMPLE_PLACE.location[0] });
    expect(JSON.stringify(one.body)).not.toContain('3125550100');
    const listed = await get(`/requests.json?service_code=${code}&status=open`);
    expect(listed.body.map((r: { service_request_id: string }) => r.service_request_id)).toContain(id);
    expect((await get('/requests.json?status=closed')).body.map((r: { service_request_id: string }) => r.service_request_id)).not.toContain(id);
    expect((await get(`/requests.json?start_date=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`)).body).toEqual([]);
  });

  it('refuses bad requests in the spec format', async () => {
    const { api_key: _k, ...noKey } = valid();
    expect((await post(noKey)).status).toBe(400);
    expect((await post({ ...valid(), api_key: 'wrong' })).body).toEqual([{ code: 403, description: 'api_key is not valid' }]);
    expect((await post({ ...valid(), service_code: 'no.such.service' })).status).toBe(404);
    const { lat: _lat, long: _long, ...noPlace } = valid();
    const missing = await post(noPlace);
    expect(missing.status).toBe(400);
    expect(missing.body[0].description).toContain('lat and long, or address_string');
    expect((await post({ ...valid(), lat: '39.9', long: '116.4' })).status).toBe(400);
    expect((await post({ ...noPlace, address_string: SAMPLE_PLACE.name })).status).toBe(201);
    expect((await get('/requests.json?status=maybe')).status).toBe(400);
    expect((await get('/requests/does-not-exist.json')).body).toEqual([{ code: 404, description: 'service_request_id not found' }]);
  });
});
