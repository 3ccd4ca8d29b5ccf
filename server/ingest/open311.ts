// Open311 GeoReport v2 (https://wiki.open311.org/GeoReport_v2): the interface citizen-request
// apps already speak. Services are the category leaves; a request is an incident. POST bodies are
// form-encoded per the spec and go through the same ingest path as every other report. Errors
// use the spec's format: [{"code": <status>, "description": "..."}]. Personal fields (name,
// email, phone) are not kept: a request is about the city, not the person.

import express, { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { isOpen } from '../../shared/domain/incidentMachine.ts';
import type { Incident } from '../../shared/domain/types.ts';
import type { Store } from '../store/Store.ts';
import type { AuthService } from '../services/auth.ts';
import type { CityReference } from '../services/cityReference.ts';
import type { IngestService } from './ingestService.ts';

class Open311Error extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function fail(res: Response, status: number, description: string): void {
  res.status(status).json([{ code: status, description }]);
}

const RequestForm = z
  .object({
    api_key: z.string().min(1, 'api_key is required'),
    service_code: z.string().min(1, 'service_code is required'),
    lat: z.coerce.number().min(-90).max(90).optional(),
    long: z.coerce.number().min(-180).max(180).optional(),
    address_string: z.string().trim().min(1).max(300).optional(),
    description: z.string().trim().min(1, 'description is required').max(4000),
    media_url: z.url().max(2000).optional(),
  })
  .refine((f) => (f.lat !== undefined && f.long !== undefined) || f.address_string !== undefined, {
    message: 'lat and long, or address_string, are required',
  });

const ListQuery = z.object({
  service_request_id: z.string().max(2000).optional(),
  service_code: z.string().max(200).optional(),
  start_date: z.iso.datetime({ offset: true }).optional(),
  end_date: z.iso.datetime({ offset: true }).optional(),
  status: z.enum(['open', 'closed']).optional(),
});

export function open311Routes(store: Store, auth: AuthService, ingest: IngestService, city: CityReference, locale: 'zh' | 'en' = 'en'): Router {
  const router = Router();
  const services = [...city.categories.values()].map((c) => ({
    service_code: c.code,
    service_name: c.name[locale],
    description: `${c.name.en} / ${c.name.zh}`,
    metadata: false,
    type: 'realtime',
    keywords: c.code.split('.').join(', '),
    group: c.code.split('.')[0],
  }));

  const view = (incident: Incident) => {
    const category = incident.category ? city.categories.get(incident.category) : undefined;
    return {
      service_request_id: incident.id,
      status: isOpen(incident.status) ? 'open' : 'closed',
      status_notes: incident.status,
      service_name: category?.name[locale] ?? null,
      service_code: incident.category,
      description: incident.text,
      requested_datetime: incident.createdAt,
      updated_datetime: incident.updatedAt,
      address: incident.address,
      lat: incident.location?.[1] ?? null,
      long: incident.location?.[0] ?? null,
    };
  };

  const handle = (fn: (req: Request, res: Response) => Promise<void> | void) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (error) {
      if (error instanceof Open311Error) fail(res, error.status, error.message);
      else fail(res, 500, 'internal error');
    }
  };

  router.get('/services.json', (_req, res) => {
    res.json(services);
  });

  router.get('/services/:code.json', (req, res) => {
    const code = String(req.params.code);
    if (!city.categories.has(code)) return fail(res, 404, `service_code ${code} not found`);
    res.json({ service_code: code, attributes: [] });
  });

  router.post(
    '/requests.json',
    express.urlencoded({ extended: false, limit: '64kb' }),
    handle(async (req, res) => {
      const parsed = RequestForm.safeParse(req.body ?? {});
      if (!parsed.success) throw new Open311Error(400, parsed.error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`).join('; '));
      const form = parsed.data;
      if (!(await auth.apiKeyValid(form.api_key))) throw new Open311Error(403, 'api_key is not valid');
      if (!city.categories.has(form.service_code)) throw new Open311Error(404, `service_code ${form.service_code} not found`);
      const location = form.lat !== undefined && form.long !== undefined ? [form.long, form.lat] : city.addresses.find((a) => a.name.toLowerCase() === form.address_string!.toLowerCase())?.location;
      if (!location) throw new Open311Error(400, 'address_string: not a known address; send lat and long');
      const [result] = await ingest.submit([
        {
          source: 'system',
          sourceEventId: `open311:${form.api_key.slice(-6)}:${Date.now()}:${Math.random().toString(36).slice(2)}`,
          occurredAt: new Date().toISOString(),
          payload: { category: form.service_code, text: form.description, location, reporter: 'open311', ...(form.media_url ? { photoUrl: form.media_url } : {}) },
        },
      ]);
      if (!result || result.status === 'rejected' || !result.incidentId) {
        throw new Open311Error(400, result?.error?.details.map((d) => `${d.path}: ${d.message}`).join('; ') ?? 'not accepted');
      }
      res.status(201).json([{ service_request_id: result.incidentId, service_notice: '', account_id: null }]);
    }),
  );

  router.get(
    '/requests.json',
    handle(async (req, res) => {
      const parsed = ListQuery.safeParse(req.query);
      if (!parsed.success) throw new Open311Error(400, parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
      const q = parsed.data;
      let items: Incident[];
      if (q.service_request_id) {
        const ids = q.service_request_id.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 100);
        items = (await Promise.all(ids.map((id) => store.getIncident(id)))).filter((i): i is Incident => i !== undefined);
      } else {
        // The spec's default window: the last 90 days, at most 1000 requests.
        const page = await store.listIncidents({ category: q.service_code, limit: 1000 });
        items = page.items;
      }
      const start = q.start_date ? Date.parse(q.start_date) : Date.now() - 90 * 86_400_000;
      const end = q.end_date ? Date.parse(q.end_date) : Infinity;
      const wanted = items.filter((i) => {
        const at = Date.parse(i.createdAt);
        const status = isOpen(i.status) ? 'open' : 'closed';
        return at >= start && at <= end && (!q.status || q.status === status) && (!q.service_code || i.category === q.service_code);
      });
      res.json(wanted.map(view));
    }),
  );

  router.get(
    '/requests/:id.json',
    handle(async (req, res) => {
      const incident = await store.getIncident(String(req.params.id));
      if (!incident) throw new Open311Error(404, 'service_request_id not found');
      res.json([view(incident)]);
    }),
  );

  return router;
}
