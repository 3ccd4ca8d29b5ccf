// Evaluation: the vital signs and the 12345 rates for a scope, their time series, ranked tables,
// a CSV export that opens in Excel with Chinese text, and the month's hotspots (每月一题).

import { Router } from 'express';
import { z } from 'zod';
import { MetricsQuerySchema } from '../../../shared/protocol/schemas.ts';
import { isLocale, translate, type Locale, type MessageKey } from '../../../shared/i18n/index.ts';
import type { EvaluationRow, GroupBy } from '../../../shared/domain/evaluation.ts';
import type { Store } from '../../store/Store.ts';
import type { CityReference } from '../../services/cityReference.ts';
import type { MetricsService } from '../../services/metrics.ts';
import { HttpError, parseOr400 } from '../errors.ts';
import { actorOf, requireRole } from '../session.ts';

const EVALUATION_ROLES = ['operator', 'dispatcher', 'officer', 'supervisor', 'admin', 'auditor'] as const;
const MAX_RANGE_MS = 400 * 86_400_000;

export interface MetricsRouteDeps {
  store: Store;
  city: CityReference;
  metrics: MetricsService;
  timeZone: string;
}

/** CSV field: quoted when needed; a leading = + - @ cannot start a formula in a spreadsheet. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const COLUMNS: { key: MessageKey; value: (row: EvaluationRow) => number | null }[] = [
  { key: 'eval.col.rank', value: (r) => r.rank },
  { key: 'eval.col.score', value: (r) => r.score },
  { key: 'eval.col.cases', value: (r) => r.cases },
  { key: 'eval.col.dispatched', value: (r) => r.dispatched },
  { key: 'eval.col.responseRate', value: (r) => r.responseRate },
  { key: 'eval.col.resolutionRate', value: (r) => r.resolutionRate },
  { key: 'eval.col.satisfactionRate', value: (r) => r.satisfactionRate },
  { key: 'eval.col.dispatchMedian', value: (r) => r.stageMinutes.dispatch.median },
  { key: 'eval.col.dispatchP90', value: (r) => r.stageMinutes.dispatch.p90 },
  { key: 'eval.col.acceptMedian', value: (r) => r.stageMinutes.accept.median },
  { key: 'eval.col.acceptP90', value: (r) => r.stageMinutes.accept.p90 },
  { key: 'eval.col.arriveMedian', value: (r) => r.stageMinutes.arrive.median },
  { key: 'eval.col.arriveP90', value: (r) => r.stageMinutes.arrive.p90 },
  { key: 'eval.col.resolveMedian', value: (r) => r.stageMinutes.resolve.median },
  { key: 'eval.col.resolveP90', value: (r) => r.stageMinutes.resolve.p90 },
  { key: 'eval.col.overdue', value: (r) => r.overdue },
  { key: 'eval.col.escalated', value: (r) => r.escalated },
  { key: 'eval.col.reopenRate', value: (r) => r.reopenRate },
  { key: 'eval.col.returnRate', value: (r) => r.returnRate },
  { key: 'eval.col.noEvidenceRate', value: (r) => r.noEvidenceRate },
];

export function metricsRoutes({ store, city, metrics }: MetricsRouteDeps): Router {
  const router = Router();
  const districtNames = new Map(city.districts.features.map((f) => [f.properties.id, { zh: f.properties.nameZh, en: f.properties.name }]));

  const scopeOf = (req: Parameters<Parameters<Router['get']>[1]>[0]) => {
    const q = parseOr400(MetricsQuerySchema, req.query);
    const scope = metrics.scopeFor(actorOf(req), q);
    const span = Date.parse(scope.to) - Date.parse(scope.from);
    if (span <= 0) throw new HttpError('validation_failed', 'from must be before to', [{ path: 'from', message: 'must be before to' }]);
    if (span > MAX_RANGE_MS) throw new HttpError('validation_failed', 'at most 400 days at a time', [{ path: 'to', message: 'range longer than 400 days' }]);
    return { q, scope };
  };

  router.get('/metrics/summary', requireRole(...EVALUATION_ROLES), async (req, res) => {
    const { q, scope } = scopeOf(req);
    // Today across the city, as nobody asked otherwise: the figures the stream states, if current.
    const live = q.from === undefined && q.to === undefined ? await metrics.currentSummary(scope) : null;
    res.json(live ?? (await metrics.summary(scope)));
  });

  router.get('/metrics/timeseries', requireRole(...EVALUATION_ROLES), async (req, res) => {
    const { q, scope } = scopeOf(req);
    res.json({ scope, bucket: q.bucket, points: await metrics.timeseries(scope, q.bucket) });
  });

  router.get('/metrics/table', requireRole(...EVALUATION_ROLES), async (req, res) => {
    const { q, scope } = scopeOf(req);
    res.json({ scope, by: q.by, rows: await metrics.table(scope, q.by) });
  });

  router.get('/metrics/export.csv', requireRole('supervisor', 'admin', 'auditor', 'officer'), async (req, res) => {
    const { q, scope } = scopeOf(req);
    const lang = z.object({ lang: z.string().optional() }).parse(req.query).lang;
    const locale: Locale = isLocale(lang) ? lang : 'zh-CN';
    const rows = await metrics.table(scope, q.by);
    const units = q.by === 'unit' ? new Map((await store.listUnits()).map((u) => [u.id, u.name])) : new Map();
    const nameOf = (by: GroupBy, key: string): string => {
      const name = by === 'district' ? districtNames.get(key) : by === 'unit' ? units.get(key) : city.categories.get(key)?.name;
      return name ? (locale === 'zh-CN' ? name.zh : name.en) : key;
    };
    const header = [translate(locale, `eval.by.${q.by}` as MessageKey), translate(locale, 'eval.col.name'), ...COLUMNS.map((c) => translate(locale, c.key))];
    const lines = [header.map(csvField).join(',')];
    for (const row of rows) lines.push([row.key, nameOf(q.by, row.key), ...COLUMNS.map((c) => c.value(row))].map(csvField).join(','));
    const day = scope.from.slice(0, 10);
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="evaluation-${q.by}-${day}.csv"`);
    // The byte-order mark tells Excel the file is UTF-8, so Chinese text opens readable.
    res.send(`\uFEFF${lines.join('\r\n')}\r\n`);
  });

  router.get('/hotspots', requireRole(...EVALUATION_ROLES), async (req, res) => {
    const actor = actorOf(req);
    const q = parseOr400(z.object({ district: z.string().max(32).optional() }), req.query);
    const districtId = actor.role === 'officer' ? (actor.districtId ?? '(none)') : q.district;
    res.json({ items: await metrics.hotspots(districtId) });
  });

  return router;
}
