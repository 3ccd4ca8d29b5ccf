import { describe, expect, it } from 'vitest';
import { IncidentActionSchema, IngestEventSchema, fieldIssues } from './schemas.ts';
import { PROTOCOL_VERSION } from './version.ts';

const at = '2026-11-22T08:30:00.000Z';
const valid = {
  hotline: { source: 'hotline', sourceEventId: 'c1', occurredAt: at, payload: { callId: 'c1', caller: { name: '王伟', phone: '13812341234' }, text: '路灯不亮', location: [-87.63, 41.88], wantsCallback: true } },
  sensor: { source: 'sensor', sourceEventId: 's1', occurredAt: at, payload: { sensorId: 'S0001', metric: 'water_level', value: 12.5 } },
  patrol: { source: 'patrol', sourceEventId: 'p1', occurredAt: at, payload: { category: 'municipal.roads.pothole', text: 'Pothole', location: [-87.63, 41.88] } },
};

function issuesOf(value: unknown): string[] {
  const r = IngestEventSchema.safeParse(value);
  return r.success ? [] : fieldIssues(r.error).map((i) => i.path);
}

describe('ingest event schema', () => {
  it.each(Object.entries(valid))('accepts a valid %s event', (_name, event) => {
    expect(IngestEventSchema.safeParse(event).success).toBe(true);
  });

  it.each([
    ['a phone that is not one', { ...valid.hotline, payload: { ...valid.hotline.payload, caller: { name: 'x', phone: 'call me' } } }, 'payload.caller.phone'],
    ['a call with neither address nor location', { ...valid.hotline, payload: { ...valid.hotline.payload, location: undefined } }, 'payload.location'],
    ['a latitude off the globe', { ...valid.patrol, payload: { ...valid.patrol.payload, location: [-87.6, 141] } }, 'payload.location.1'],
    ['a time without a zone', { ...valid.sensor, occurredAt: '2026-11-22 08:30' }, 'occurredAt'],
    ['a value that is not a number', { ...valid.sensor, payload: { ...valid.sensor.payload, value: '12' } }, 'payload.value'],
    ['an unknown source', { ...valid.sensor, source: 'fax' }, 'source'],
    ['a category that is not a code', { ...valid.patrol, payload: { ...valid.patrol.payload, category: 'Pothole!' } }, 'payload.category'],
    ['text that is too long', { ...valid.patrol, payload: { ...valid.patrol.payload, text: 'x'.repeat(4001) } }, 'payload.text'],
  ])('rejects %s, naming the field', (_name, event, path) => {
    expect(issuesOf(event)).toContain(path);
  });

  it('rejects non-objects without throwing', () => {
    for (const value of [null, 42, 'x', [], {}]) expect(IngestEventSchema.safeParse(value).success).toBe(false);
  });
});

describe('incident action schema', () => {
  it('requires each action its own fields', () => {
    expect(IncidentActionSchema.safeParse({ action: 'dispatch', version: 2, unitId: 'U001' }).success).toBe(true);
    expect(IncidentActionSchema.safeParse({ action: 'dispatch', version: 2 }).success).toBe(false);
    expect(IncidentActionSchema.safeParse({ action: 'reject', version: 2, reason: '' }).success).toBe(false);
    expect(IncidentActionSchema.safeParse({ action: 'fly', version: 2 }).success).toBe(false);
  });
});

describe('protocol version', () => {
  it('is pinned: bump it (and this test) only for a breaking change', () => {
    expect(PROTOCOL_VERSION).toBe(1);
  });
});
