// Pure: the hotspot list (每月一题: grids with recurring complaints) from `GET /api/hotspots`
// (shared/domain/evaluation.ts `Hotspot`: `complaints` over 30 days). Read defensively: a
// malformed row is dropped, never shown half.

export interface Hotspot {
  gridId: string;
  category: string | null;
  count: number;
  /** Change against the previous period: up, down or flat. */
  trend: 'up' | 'down' | 'flat';
}

function trendOf(value: unknown): Hotspot['trend'] {
  if (value === 'up' || value === 'down' || value === 'flat') return value;
  if (typeof value === 'number') return value > 0 ? 'up' : value < 0 ? 'down' : 'flat';
  return 'flat';
}

export function parseHotspots(body: unknown, limit = 6): Hotspot[] {
  const list = Array.isArray(body) ? body : body && typeof body === 'object' ? ((body as Record<string, unknown>).items ?? (body as Record<string, unknown>).hotspots) : null;
  if (!Array.isArray(list)) return [];
  const out: Hotspot[] = [];
  for (const raw of list) {
    if (!raw || typeof raw !== 'object') continue;
    const r = raw as Record<string, unknown>;
    const gridId = typeof r.gridId === 'string' ? r.gridId : null;
    const count = typeof r.complaints === 'number' ? r.complaints : null;
    if (!gridId || count === null) continue;
    out.push({ gridId, category: typeof r.category === 'string' ? r.category : null, count, trend: trendOf(r.trend) });
  }
  return out.sort((a, b) => b.count - a.count).slice(0, limit);
}
