import { describe, expect, it } from 'vitest';
import { CityDay, type CityDayInput } from './cityDay.ts';
import type { Category } from '../../shared/domain/types.ts';
import type { SensorFixture } from '../services/cityReference.ts';

function input(seed: number): CityDayInput {
  const category: Category = {
    code: 'municipal.drainage.waterlogging',
    name: { zh: '道路积水', en: 'Waterlogging' },
    defaultSeverity: 'high',
    unitType: 'drainage_crew',
    duplicateRadiusM: 200,
    deadlinesMin: { dispatch: 10, accept: 10, arrive: 30, resolve: 240 },
    sensorMetrics: ['water_level'],
    samples: { zh: ['路口积水很深'], en: ['Deep water at the crossing'] },
  };
  const sensors: SensorFixture[] = Array.from({ length: 120 }, (_, i) => ({
    id: `S${i}`,
    kind: 'water_level',
    metric: 'water_level',
    unit: 'cm',
    location: [-87.63, 41.88],
    districtId: 'CA32',
    gridId: 'CA32-G001',
    intervalSec: 60,
    rule: { direction: 'above', warn: 20, alarm: 30, clear: 25, dwellSec: 60 },
    baseline: { mean: 5, amplitude: 2, noise: 1 },
  }));
  return {
    seed,
    categories: [category],
    sensors,
    addresses: [{ name: 'W Madison St & N Wells St', location: [-87.6339, 41.8819], districtId: 'CA32', gridId: 'CA32-G001' }],
    callsPerDay: 20_000,
  };
}

function run(seed: number, seconds: number, readings?: CityDayInput['readings']) {
  const day = new CityDay({ ...input(seed), ...(readings ? { readings } : {}) });
  return Array.from({ length: seconds }, (_, s) => day.next(Math.floor(s / 3600) % 24)).flat();
}

describe('the simulated city day', () => {
  it('is deterministic: the same seed gives the same stream', () => {
    expect(run(7, 1800)).toEqual(run(7, 1800));
    expect(run(7, 1800)).not.toEqual(run(8, 1800));
  });

  it('reads every sensor once a minute', () => {
    const readings = run(1, 120).filter((g) => g.kind === 'reading');
    expect(readings).toHaveLength(240);
    const perSensor = new Map<string, number>();
    for (const r of readings) if (r.kind === 'reading') perSensor.set(r.sensorId, (perSensor.get(r.sensorId) ?? 0) + 1);
    expect([...perSensor.values()].every((n) => n === 2)).toBe(true);
  });

  it('played for its alarms alone, reads only the sensors an anomaly drives, from past the alarm until the rule has cleared it', () => {
    const hours = 6;
    const readings = run(5, hours * 3600, 'anomalies').flatMap((g) => (g.kind === 'reading' ? [{ ...g, step: Number(g.id.split(':')[1]) }] : []));
    // An anomaly starts about every 15 minutes: a couple of dozen episodes, not 120 sensors' every minute.
    const bySensor = new Map<string, typeof readings>();
    for (const r of readings) bySensor.set(r.sensorId, [...(bySensor.get(r.sensorId) ?? []), r]);
    expect(bySensor.size).toBeGreaterThan(5);
    expect(readings.length).toBeLessThan((120 * hours * 60) / 20);
    const { alarm, clear, dwellSec } = input(5).sensors[0]!.rule;
    for (const list of bySensor.values()) {
      // One reading a minute on the sensor's own step; the first past the alarm line.
      for (const [i, r] of list.entries()) if (i > 0) expect(r.step - list[i - 1]!.step).toBeGreaterThanOrEqual(60);
      expect(list[0]!.value).toBeGreaterThan(alarm);
      // The last readings are back under `clear` for longer than the dwell, so the alarm clears
      // (unless the run ended first).
      const last = list.at(-1)!;
      if (last.step < hours * 3600 - dwellSec - 180) {
        const tail = list.filter((r) => r.step >= last.step - dwellSec);
        expect(tail.length).toBeGreaterThanOrEqual(2);
        expect(tail.every((r) => r.value < clear)).toBe(true);
      }
    }
  });

  it('produces calls at about the configured daily rate, with callers and places', () => {
    const calls = run(3, 3 * 3600).filter((g) => g.kind === 'call');
    // 20,000/day over 3 night hours (quiet on the diurnal curve) is a few hundred, not zero, not thousands.
    expect(calls.length).toBeGreaterThan(50);
    expect(calls.length).toBeLessThan(2500);
    for (const call of calls) {
      if (call.kind !== 'call') continue;
      expect(call.caller.phone).toMatch(/^1[3-9]\d{9}$/);
      expect(call.text.length).toBeGreaterThan(0);
    }
  });
});

describe('the rainstorm scenario', () => {
  const storm = { kind: 'rainstorm' as const, startStep: 60, rampSteps: 600, callsPerSecond: 0.2, callsFromStep: 600 };
  function stormDay(withStorm: boolean) {
    const base = input(11);
    // Half the gauges stand in a low-lying grid.
    const sensors = base.sensors.map((s, i) => ({ ...s, gridId: i % 2 === 0 ? 'LOW-1' : 'HIGH-1' }));
    return new CityDay({ ...base, sensors, callsPerDay: 0, ...(withStorm ? { scenario: storm, lowLyingGrids: new Set(['LOW-1']) } : {}) });
  }

  it('floods the low-lying gauges past their alarm once it has built up, and leaves the others alone', () => {
    const day = stormDay(true);
    const out = Array.from({ length: 60 + 600 + 120 }, () => day.next(10)).flat();
    const late = out.slice(-240).filter((g) => g.kind === 'reading');
    const low = late.filter((g) => g.kind === 'reading' && Number(g.sensorId.slice(1)) % 2 === 0);
    const high = late.filter((g) => g.kind === 'reading' && Number(g.sensorId.slice(1)) % 2 === 1);
    expect(low.every((g) => g.kind === 'reading' && g.value >= 30)).toBe(true);
    expect(high.every((g) => g.kind === 'reading' && g.value < 20)).toBe(true);
  });

  it('brings a surge of flooding calls from the flooded spots; an ordinary day brings none', () => {
    const calls = (day: CityDay) => Array.from({ length: 1800 }, () => day.next(10)).flat().filter((g) => g.kind === 'call');
    const stormy = calls(stormDay(true));
    expect(stormy.length).toBeGreaterThan(100);
    for (const call of stormy) if (call.kind === 'call') expect(call.categoryHint).toBe('municipal.drainage.waterlogging');
    expect(calls(stormDay(false))).toEqual([]);
  });
});
