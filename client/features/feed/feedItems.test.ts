import { describe, expect, it } from 'vitest';
import { feedAfter } from './feedItems.ts';
import { openIncident } from '../../../shared/domain/incidentFactory.ts';
import type { Change } from '../../../shared/protocol/changes.ts';

const change = (seq: number, id: string, version = 1): Change => ({
  seq,
  type: 'incident',
  incident: { ...openIncident({ id, codePrefix: 'GD', source: 'hotline', text: id, category: null, severity: 'medium', location: null, address: null, placement: null, now: '2026-11-22T08:00:00.000Z' }), version },
});

describe('live feed', () => {
  it('puts the newest first, marks new reports, ignores telemetry and keeps at most the limit', () => {
    let feed = feedAfter([], [change(1, 'a'), { seq: 1, type: 'metrics', metrics: {} as never }, change(2, 'b')], 3);
    expect(feed.map((f) => [f.incidentId, f.created])).toEqual([['b', true], ['a', true]]);
    feed = feedAfter(feed, [change(3, 'a', 2), change(4, 'c')], 3);
    expect(feed.map((f) => [f.incidentId, f.created])).toEqual([['c', true], ['a', false], ['b', true]]);
  });
});
