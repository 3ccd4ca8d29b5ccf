import { describe, expect, it } from 'vitest';
import { filterFromSearch, queueOf, searchFromFilter } from './queue.ts';
import { openIncident } from '../../../shared/domain/incidentFactory.ts';
import type { Incident } from '../../../shared/domain/types.ts';
import { tableOf } from '../../../shared/domain/cityReducer.ts';

const inc = (id: string, severity: Incident['severity'], minute: number, districtId: string, status: Incident['status'] = 'new'): Incident => ({
  ...openIncident({ id, codePrefix: 'GD', source: 'hotline', text: id, category: null, severity, location: null, address: null, placement: { districtId, gridId: 'g', streetId: 's' }, now: new Date(Date.UTC(2026, 10, 22, 8, minute)).toISOString() }),
  status,
});

const incidents = Object.fromEntries(
  [inc('a', 'low', 1, 'CA02'), inc('b', 'critical', 5, 'CA01'), inc('c', 'critical', 2, 'CA02', 'triaged'), inc('d', 'high', 0, 'CA01', 'dispatched')].map((i) => [i.id, i]),
);

describe('dispatch queue', () => {
  it('holds new and triaged incidents, most urgent and oldest first', () => {
    expect(queueOf(tableOf(incidents), { sort: 'severity' }).map((i) => i.id)).toEqual(['c', 'b', 'a']);
    expect(queueOf(tableOf(incidents), { sort: 'age' }).map((i) => i.id)).toEqual(['a', 'c', 'b']);
    expect(queueOf(tableOf(incidents), { sort: 'district' }).map((i) => i.id)).toEqual(['b', 'c', 'a']);
    expect(queueOf(tableOf(incidents), { sort: 'severity', district: 'CA02', severity: 'low' }).map((i) => i.id)).toEqual(['a']);
  });

  it('sorts by the clock: earliest due first, no running clock last', () => {
    const due = (i: Incident, dueAt: string | null): Incident => ({ ...i, deadline: dueAt ? { stage: 'dispatch', dueAt, used: 0.5, light: 'green' } : null });
    const list = {
      a: due(incidents.a!, '2026-11-22T08:40:00.000Z'),
      b: due(incidents.b!, null),
      c: due(incidents.c!, '2026-11-22T08:20:00.000Z'),
    };
    expect(queueOf(tableOf(list), { sort: 'deadline' }).map((i) => i.id)).toEqual(['c', 'a', 'b']);
  });

  it('round-trips its filter through the URL and ignores nonsense', () => {
    const filter = { sort: 'age' as const, district: 'CA32', severity: 'high' as const };
    expect(filterFromSearch(searchFromFilter(filter))).toEqual(filter);
    expect(filterFromSearch('?sort=rand&severity=extreme')).toEqual({ sort: 'severity' });
  });
});
