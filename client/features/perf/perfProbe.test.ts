import { describe, expect, it } from 'vitest';
import { applyBatch, emptyCity, type CityState } from '../../../shared/domain/cityReducer.ts';
import { openIncident } from '../../../shared/domain/incidentFactory.ts';
import type { ChangeBatch } from '../../../shared/protocol/changes.ts';
import { perfMode, splitBatch } from './perfProbe.ts';

const incident = (id: string) => openIncident({ id, codePrefix: 'GD', source: 'patrol', text: id, category: null, severity: 'low', location: null, address: null, placement: null, now: '2026-11-22T08:00:00.000Z' });

describe('perf probe', () => {
  it('is off unless the URL asks for it', () => {
    expect(perfMode('')).toBe('off');
    expect(perfMode('?perf=1')).toBe('design');
    expect(perfMode('?lang=en&perf=naive')).toBe('naive');
  });

  it('the naive baseline, one change at a time, reaches the same state as the batch', () => {
    const start: CityState = { ...emptyCity(), seq: 10 };
    const batch: ChangeBatch = {
      fromSeq: 11,
      toSeq: 15,
      changes: [
        { seq: 12, type: 'incident', incident: incident('a') },
        { seq: 15, type: 'metrics', metrics: { openIncidents: 2 } as never },
        { seq: 14, type: 'incident', incident: incident('b') },
      ],
    };
    const whole = applyBatch(start, batch).state;
    let state = start;
    const pieces = splitBatch(batch);
    expect(pieces).toHaveLength(4);
    for (const piece of pieces) {
      const outcome = applyBatch(state, piece);
      expect(outcome.kind).not.toBe('gap');
      state = outcome.state;
    }
    expect(state.seq).toBe(15);
    expect(Object.keys(state.incidents).sort()).toEqual(Object.keys(whole.incidents).sort());
    expect(state.metrics).toEqual(whole.metrics);
  });
});
