import { describe, expect, it } from 'vitest';
import { diffById, diffIds, districtLoads, HEAT_CELL_DEG, HEAT_REFERENCE_COUNT, heatPoints, incidentFeature, incidentsToGeoJson, riskScore, SENSOR_LOOK, sensorFeature, showIncident, UNIT_LOOK, unitFeature, unitOnDuty, unitsToGeoJson, WINDOW_MS } from './mapData.ts';
import { newCriticals } from './focus.ts';
import { overlayLayers, scaledSize } from './mapStyle.ts';
import { openIncident } from '../../../shared/domain/incidentFactory.ts';
import type { DeadlineState, Incident, Unit } from '../../../shared/domain/types.ts';
import type { SensorView } from '../../../shared/protocol/changes.ts';
import { tableOf } from '../../../shared/domain/cityReducer.ts';

const T0 = '2026-11-22T08:00:00.000Z';
const NOW = Date.parse('2026-11-22T10:00:00.000Z');
const deadline = (light: DeadlineState['light'], paused = false): DeadlineState => ({ stage: 'dispatch', dueAt: T0, used: light === 'red' ? 1.2 : light === 'yellow' ? 0.9 : 0.3, light, paused });

const inc = (id: string, patch: Partial<Incident> = {}): Incident => ({
  ...openIncident({ id, codePrefix: 'GD', source: 'patrol', text: id, category: null, severity: 'critical', location: [-87.6, 41.8], address: null, placement: null, now: T0 }),
  districtId: 'CA01',
  ...patch,
});

describe('map data', () => {
  it('draws open incidents that have a place, with severity, status and deadline light', () => {
    const fc = incidentsToGeoJson(
      tableOf({ a: inc('a'), b: inc('b', { status: 'closed' }), c: inc('c', { location: null }), d: inc('d', { status: 'on_scene', severity: 'low', deadline: deadline('red') }) }),
      NOW,
      WINDOW_MS['24h'],
    );
    expect(fc.features.map((f) => f.properties)).toEqual([
      { id: 'a', severity: 'critical', status: 'new', light: 'none' },
      { id: 'd', severity: 'low', status: 'on_scene', light: 'red' },
    ]);
    expect(fc.features[0]!.geometry.coordinates).toEqual([-87.6, 41.8]);
  });

  it('keeps to the time window, except overdue work, which always shows', () => {
    const old = inc('old', { updatedAt: '2026-11-22T07:30:00.000Z' });
    expect(showIncident(old, NOW, WINDOW_MS['1h'])).toBe(false);
    expect(showIncident(old, NOW, WINDOW_MS['6h'])).toBe(true);
    expect(showIncident({ ...old, deadline: deadline('red') }, NOW, WINDOW_MS['1h'])).toBe(true);
    // A paused clock is not overdue.
    expect(showIncident({ ...old, deadline: deadline('red', true) }, NOW, WINDOW_MS['1h'])).toBe(false);
  });

  it('diffs by id: adds new, re-adds changed, removes closed and vanished, leaves the rest alone', () => {
    const sent = new Map<string, Incident>();
    const a = inc('a');
    const b = inc('b');
    const visible = (i: Incident) => showIncident(i, NOW, WINDOW_MS['24h']);
    let diff = diffById(sent, tableOf({ a, b }), visible, incidentFeature);
    expect(diff.add.map((f) => f.properties.id).sort()).toEqual(['a', 'b']);
    expect(diff.remove).toEqual([]);
    diff = diffById(sent, tableOf({ a, b }), visible, incidentFeature);
    expect(diff).toEqual({ add: [], remove: [] });
    const b2 = { ...b, severity: 'low' as const, version: 2 };
    const c = inc('c');
    diff = diffById(sent, tableOf({ a: { ...a, status: 'closed' }, b: b2, c }), visible, incidentFeature);
    expect(diff.remove.sort()).toEqual(['a', 'b']);
    expect(diff.add.map((f) => [f.properties.id, f.properties.severity]).sort()).toEqual([['b', 'low'], ['c', 'critical']]);
    diff = diffById(sent, tableOf({ c }), visible, incidentFeature);
    expect(diff.remove).toEqual(['b']);
    expect([...sent.keys()]).toEqual(['c']);
  });

  it('diffs just the ids a flush changed, and agrees with the full diff', () => {
    const visible = (i: Incident) => showIncident(i, NOW, WINDOW_MS['24h']);
    const a = inc('a');
    const b = inc('b');
    const c = inc('c');
    const byIds = new Map<string, Incident>();
    const full = new Map<string, Incident>();
    diffIds(byIds, ['a', 'b', 'c'], tableOf({ a, b, c }), visible, incidentFeature);
    diffById(full, tableOf({ a, b, c }), visible, incidentFeature);
    // b closes, c vanishes, d arrives; a is untouched and not named.
    const d = inc('d');
    const next = { a, b: { ...b, status: 'closed' as const }, d };
    const partial = diffIds(byIds, ['b', 'c', 'd'], tableOf(next), visible, incidentFeature);
    expect(partial.remove.sort()).toEqual(['b', 'c']);
    expect(partial.add.map((f) => f.properties.id)).toEqual(['d']);
    diffById(full, tableOf(next), visible, incidentFeature);
    expect([...byIds.keys()].sort()).toEqual([...full.keys()].sort());
    expect(diffIds(byIds, ['a'], tableOf(next), visible, incidentFeature)).toEqual({ add: [], remove: [] });
  });

  it('redraws a sensor only when its level or online state changes, not on every reading, though readings are written into its entry', () => {
    const s: SensorView = { id: 's1', kind: 'gas', metric: 'gas_lel', unit: '%LEL', location: [-87.6, 41.8], districtId: 'CA01', gridId: 'g', intervalSec: 60, rule: { direction: 'above', warn: 1, alarm: 2, clear: 1, dwellSec: 0 }, value: 1, at: T0, online: true, level: 'normal' };
    const sensors = tableOf({ s1: s });
    const sent = new Map<string, SensorView>();
    expect(diffIds(sent, ['s1'], sensors, () => true, sensorFeature, SENSOR_LOOK).add).toHaveLength(1);
    Object.assign(s, { value: 1.5 });
    expect(diffIds(sent, ['s1'], sensors, () => true, sensorFeature, SENSOR_LOOK).add).toEqual([]);
    Object.assign(s, { value: 2.5, level: 'alarm' });
    expect(diffIds(sent, ['s1'], sensors, () => true, sensorFeature, SENSOR_LOOK)).toEqual({ remove: ['s1'], add: [expect.objectContaining({ properties: expect.objectContaining({ level: 'alarm' }) })] });
    expect(diffById(sent, sensors, () => true, sensorFeature, SENSOR_LOOK).add).toEqual([]);
    Object.assign(s, { online: false });
    expect(diffById(sent, sensors, () => true, sensorFeature, SENSOR_LOOK).add[0]!.properties.online).toBe(false);
  });

  it('redraws a unit when its status or position changes, not for anything else', () => {
    const u: Unit = { id: 'u1', callsign: 'u1', name: { zh: 'u1', en: 'u1' }, type: 'sanitation', skills: [], homeDistrictId: 'CA01', status: 'available', position: [-87.7, 41.9], positionAt: null };
    const sent = new Map<string, Unit>();
    diffById(sent, tableOf({ u1: u }), unitOnDuty, unitFeature, UNIT_LOOK);
    expect(diffById(sent, tableOf({ u1: { ...u, positionAt: T0 } }), unitOnDuty, unitFeature, UNIT_LOOK).add).toEqual([]);
    expect(diffById(sent, tableOf({ u1: { ...u, position: [-87.71, 41.9] } }), unitOnDuty, unitFeature, UNIT_LOOK).add).toHaveLength(1);
    expect(diffById(sent, tableOf({ u1: { ...u, position: [-87.71, 41.9], status: 'busy' } }), unitOnDuty, unitFeature, UNIT_LOOK).add[0]!.properties.status).toBe('busy');
  });

  it('draws units on duty, keyed by id for in-place updates', () => {
    const unit = (id: string, status: Unit['status']): Unit => ({ id, callsign: id, name: { zh: id, en: id }, type: 'sanitation', skills: [], homeDistrictId: 'CA01', status, position: [-87.7, 41.9], positionAt: null });
    const fc = unitsToGeoJson(tableOf({ u1: unit('u1', 'busy'), u2: unit('u2', 'off_duty') }));
    expect(fc.features).toHaveLength(1);
    expect(fc.features[0]).toMatchObject({ id: 'u1', properties: { status: 'busy' } });
  });

  it('heats the last 24 hours, open or closed, weighted by severity', () => {
    const fc = heatPoints(
      tableOf({ a: inc('a', { createdAt: '2026-11-21T09:00:00.000Z' }), b: inc('b', { status: 'closed', severity: 'low' }), c: inc('c', { location: null }) }),
      NOW,
    );
    expect(fc.map((p) => p.w)).toEqual([0.25]);
  });

  it("weighs each report less on a busy day, so the heat shows concentration, not volume", () => {
    // Spread over distinct cells, so each report is its own heat point.
    const many = Object.fromEntries(Array.from({ length: HEAT_REFERENCE_COUNT * 4 }, (_, n) => [`i${n}`, inc(`i${n}`, { location: [-87.6 + n * HEAT_CELL_DEG * 2, 41.8] })]));
    const weights = heatPoints(tableOf(many), NOW).map((p) => p.w);
    expect(weights).toHaveLength(HEAT_REFERENCE_COUNT * 4);
    // Critical weighs 1 on a quiet day; four times the reference volume: a quarter each.
    expect(new Set(weights)).toEqual(new Set([0.25]));
    expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(HEAT_REFERENCE_COUNT, 6);
  });

  it('sums reports in one cell into one point at their weighted centre', () => {
    const x0 = -87.6005;
    const fc = heatPoints(
      tableOf({
        a: inc('a', { location: [x0, 41.8005] }),
        b: inc('b', { location: [x0 + HEAT_CELL_DEG * 0.4, 41.8005], severity: 'low' }),
        c: inc('c', { location: [x0 + HEAT_CELL_DEG * 5, 41.8005] }),
      }),
      NOW,
    );
    expect(fc).toHaveLength(2);
    const [cell] = fc.filter((p) => p.w > 1);
    expect(cell!.w).toBe(1.25);
    // Critical (1) at x0 and low (0.25) 0.4 cell east: the centre is 0.08 of a cell east of x0.
    expect(cell!.x).toBeCloseTo(x0 + HEAT_CELL_DEG * 0.08, 9);
    expect(cell!.y).toBeCloseTo(41.8005, 9);
  });

  it('shades districts by open load and by deadline risk (overdue weighs double)', () => {
    const loads = districtLoads(tableOf({
      a: inc('a'),
      b: inc('b', { deadline: deadline('yellow') }),
      c: inc('c', { deadline: deadline('red') }),
      d: inc('d', { districtId: 'CA02', status: 'closed', deadline: deadline('red') }),
    }));
    expect(loads).toEqual({ CA01: { open: 3, risk: 1, overdue: 1 } });
    expect(riskScore(loads.CA01)).toBe(3);
    expect(riskScore(undefined)).toBe(0);
  });
});

describe('critical focus', () => {
  const feedOf = (...items: [Incident, boolean][]) => items.map(([i, created]) => ({ key: `${i.id}:${i.version}`, incidentId: i.id, code: i.code, title: i.title, severity: i.severity, status: i.status, created, districtId: i.districtId, category: i.category, at: i.updatedAt }));
  const now = Date.parse(T0) + 5000;

  it('announces a critical incident new to the screen, not what the screen already had', () => {
    const a = inc('a');
    const b = inc('b');
    const c = inc('c', { severity: 'high' });
    const before = feedOf([a, true]);
    // Nothing before the first feed: the snapshot is not news.
    expect(newCriticals([], before, tableOf({}), tableOf({ a }), now)).toEqual([]);
    expect(newCriticals(before, [...feedOf([c, true], [b, true]), ...before], tableOf({ a }), tableOf({ a, b, c }), now).map((i) => i.id)).toEqual(['b']);
    // Raised to critical later: announced then; already critical: not again.
    const d = inc('d', { severity: 'high' });
    const d2 = { ...d, severity: 'critical' as const, version: 2 };
    expect(newCriticals(before, [...feedOf([d2, false]), ...before], tableOf({ a, d }), tableOf({ a, d: d2 }), now).map((i) => i.id)).toEqual(['d']);
    expect(newCriticals(before, [...feedOf([{ ...a, version: 2 }, false]), ...before], tableOf({ a }), tableOf({ a: { ...a, version: 2 } }), now)).toEqual([]);
    // Old news (a snapshot's replay after a reconnect), or nowhere to fly to: no.
    expect(newCriticals(before, [...feedOf([b, true]), ...before], tableOf({ a }), tableOf({ a, b }), now + 10 * 60_000)).toEqual([]);
    const e = inc('e', { location: null });
    expect(newCriticals(before, [...feedOf([e, true]), ...before], tableOf({ a }), tableOf({ a, e }), now)).toEqual([]);
  });
});

describe('map style at wall scale', () => {
  it('scales label sizes and marks with the page', () => {
    expect(scaledSize(11, 2)).toBe(22);
    expect(scaledSize(['interpolate', ['linear'], ['zoom'], 10, 11, 16, 14], 2)).toEqual(['interpolate', ['linear'], ['zoom'], 10, 22, 16, 28]);
    expect(scaledSize(['get', 'size'], 2)).toEqual(['get', 'size']);
    const single = (k: number) => overlayLayers('en', 'open', k).find((l) => l.id === 'incidents') as { paint: Record<string, unknown> };
    expect(single(2).paint['circle-radius']).toBe(2 * (single(1).paint['circle-radius'] as number));
  });
});
