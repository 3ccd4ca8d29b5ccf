import fs from 'node:fs';
import path from 'node:path';
import { Router } from 'express';
import { IsoTimeSchema, UnitPositionSchema } from '../../../shared/protocol/schemas.ts';
import { z } from 'zod';
import type { Store } from '../../store/Store.ts';
import type { CityReference } from '../../services/cityReference.ts';
import type { MetricsService } from '../../services/metrics.ts';
import type { LiveHub } from '../../realtime/liveHub.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { actorOf, requireRole } from '../session.ts';

const ANY_ROLE = ['operator', 'dispatcher', 'officer', 'supervisor', 'admin', 'auditor'] as const;
const MAX_READINGS_SPAN_MS = 31 * 24 * 3_600_000;
const ReadingsQuerySchema = z.object({ from: IsoTimeSchema.optional(), to: IsoTimeSchema.optional() });

export interface CityRouteDeps {
  store: Store;
  city: CityReference;
  metrics: MetricsService;
  hub: LiveHub;
  fixturesDir: string;
  tilesUrl: string;
  timeZone: string;
}

export function cityRoutes({ store, city, hub, fixturesDir, tilesUrl, timeZone }: CityRouteDeps): Router {
  const router = Router();
  // Reference data is static for a run: serialise it once.
  const districtsJson = JSON.stringify(city.districts);
  const gridsJson = JSON.stringify(city.grids);
  const styleJson = fs.readFileSync(path.join(fixturesDir, 'map/style.json'), 'utf8').replaceAll('{{TILES_URL}}', tilesUrl);

  // What a screen needs to present the city: its clock's zone and where it lies.
  router.get('/city', requireRole(...ANY_ROLE), (_req, res) => {
    res.json({ timeZone, bounds: city.gridIndex.bounds });
  });
  router.get('/geo/districts', requireRole(...ANY_ROLE), (_req, res) => {
    res.type('application/geo+json').send(districtsJson);
  });
  router.get('/geo/grids', requireRole(...ANY_ROLE), (_req, res) => {
    res.type('application/geo+json').send(gridsJson);
  });
  router.get('/map/style.json', requireRole(...ANY_ROLE), (_req, res) => {
    res.type('application/json').send(styleJson);
  });
  router.get('/categories', requireRole(...ANY_ROLE), (_req, res) => {
    res.json({ categories: [...city.categories.values()], tree: city.categoryTree });
  });

  router.get('/units', requireRole(...ANY_ROLE), async (req, res) => {
    const actor = actorOf(req);
    const units = await store.listUnits();
    res.json({ items: actor.role === 'officer' ? units.filter((u) => u.homeDistrictId === actor.districtId) : units });
  });

  router.post('/units/:id/position', requireRole('officer', 'dispatcher', 'supervisor'), async (req, res) => {
    const actor = actorOf(req);
    const id = String(req.params.id);
    // An officer shares only their own unit's position.
    if (actor.role === 'officer' && actor.unitId !== id) throw new HttpError('not_found', `no unit ${id}`);
    const body = parseOr400(UnitPositionSchema, req.body);
    const [unit] = await store.setUnitPositions([{ unitId: id, position: body.location, at: body.at }]);
    if (!unit) throw new HttpError('not_found', `no unit ${id}`);
    hub.unit(unit);
    res.json(unit);
  });

  router.get('/sensors', requireRole(...ANY_ROLE), async (req, res) => {
    const actor = actorOf(req);
    const sensors = await store.listSensors();
    res.json({ items: actor.role === 'officer' ? sensors.filter((s) => s.districtId === actor.districtId) : sensors });
  });

  router.get('/sensors/:id/readings', requireRole(...ANY_ROLE), async (req, res) => {
    const actor = actorOf(req);
    const id = String(req.params.id);
    const sensor = (await store.listSensors()).find((s) => s.id === id);
    if (!sensor || (actor.role === 'officer' && sensor.districtId !== actor.districtId)) throw new HttpError('not_found', `no sensor ${id}`);
    const now = Date.now();
    const q = parseOr400(ReadingsQuerySchema, req.query);
    // Normalised to UTC: buckets are keyed by UTC minute.
    const to = new Date(q.to ?? now).toISOString();
    const from = q.from ? new Date(q.from).toISOString() : new Date(Date.parse(to) - 6 * 3_600_000).toISOString();
    const span = Date.parse(to) - Date.parse(from);
    if (span <= 0) throw new HttpError('validation_failed', 'from must be before to', [{ path: 'from', message: 'must be before to' }]);
    if (span > MAX_READINGS_SPAN_MS) throw new HttpError('validation_failed', 'at most 31 days at a time', [{ path: 'to', message: 'range longer than 31 days' }]);
    // Minute buckets for up to a day; hourly ones beyond, so a month is ~744 points, not 44,640.
    const bucket = span <= 24 * 3_600_000 ? 'minute' : 'hour';
    res.json({ sensorId: id, metric: sensor.metric, unit: sensor.unit, from, to, bucket, points: await store.readingSeries(id, from, to, bucket) });
  });

  router.post('/alarms/:id/acknowledge', requireRole('operator', 'dispatcher', 'supervisor'), async (req, res) => {
    const actor = actorOf(req);
    const result = await store.acknowledgeAlarm(String(req.params.id), actor.id, new Date().toISOString());
    if (!result) throw new HttpError('not_found', `no alarm ${String(req.params.id)}`);
    if (result.refused) throw new HttpError('invalid_transition', result.refused, { rule: 'invalid_state' });
    hub.publish(result.changes);
    res.json(result.alarm);
  });

  router.get('/audit', requireRole('supervisor', 'admin', 'auditor'), async (req, res) => {
    const entity = String(req.query.entity ?? '');
    const id = String(req.query.id ?? '');
    if (!entity || !id) {
      throw new HttpError('validation_failed', 'entity and id are required', [
        ...(entity ? [] : [{ path: 'entity', message: 'required' }]),
        ...(id ? [] : [{ path: 'id', message: 'required' }]),
      ]);
    }
    res.json({ items: await store.audit(entity, id) });
  });

  return router;
}
