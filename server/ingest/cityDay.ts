// A seeded, deterministic generator of an ordinary city day. It advances in fixed one-second steps
// of simulated time and draws from one PRNG in a fixed order, so the same seed yields the same
// stream of calls, reports and readings however fast or unevenly it is driven. No I/O here.

import seedrandom from 'seedrandom';
import type { Category, LonLat } from '../../shared/domain/types.ts';
import type { Address, SensorFixture } from '../services/cityReference.ts';

export interface CityDayInput {
  seed: number;
  categories: Category[];
  sensors: SensorFixture[];
  addresses: Address[];
  /** Hotline calls over a whole day at the average rate. */
  callsPerDay?: number;
  reportsPerDay?: number;
  /** A scenario played over the ordinary day. */
  scenario?: Scenario;
  /** Grids near water, where a rainstorm floods first (required by the rainstorm). */
  lowLyingGrids?: ReadonlySet<string>;
  /**
   * `all` (default): every sensor once a minute. `anomalies`: only the sensors an anomaly drives
   * past its alarm, from its start until their rule has cleared the alarm again: the alarms of a
   * past played fast, without the millions of ordinary readings around them.
   */
  readings?: 'all' | 'anomalies';
}

/**
 * Rainstorm (暴雨): from `startStep`, water levels in low-lying grids climb past their alarm over
 * `rampSteps`, some manhole covers there lift, and calls about flooded streets come in from the
 * flooded spots `callsPerSecond` at a time.
 */
export interface Scenario {
  kind: 'rainstorm';
  startStep: number;
  rampSteps: number;
  callsPerSecond: number;
  /** Calls start once the flooding is established (the alarms are up): from this step. */
  callsFromStep: number;
}

export const RAINSTORM: Scenario = { kind: 'rainstorm', startStep: 60, rampSteps: 900, callsPerSecond: 0.2, callsFromStep: 960 };
const FLOOD_CATEGORY = 'municipal.drainage.waterlogging';
/** Every sensor reads once in this many steps (a minute), on the step its index falls on. */
const READING_STEPS = 60;

export type Generated =
  | { kind: 'call'; id: string; categoryHint?: string; text: string; address: string; location: LonLat; caller: { name: string; phone: string } }
  | { kind: 'report'; id: string; source: 'patrol' | 'camera'; category: string; text: string; location: LonLat }
  | { kind: 'reading'; id: string; sensorId: string; metric: string; value: number };

// Relative call volume by local hour: quiet at night, peaks mid-morning and late afternoon.
const DIURNAL = [0.25, 0.18, 0.15, 0.15, 0.2, 0.35, 0.6, 0.95, 1.3, 1.55, 1.6, 1.5, 1.3, 1.35, 1.45, 1.5, 1.45, 1.35, 1.2, 1.1, 0.95, 0.75, 0.55, 0.4];
const DIURNAL_MEAN = DIURNAL.reduce((a, b) => a + b, 0) / DIURNAL.length;
const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', 'Smith', 'Johnson', 'Garcia', 'Brown', 'Lee'];
const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '勇', 'Maria', 'James', 'Linda', 'Robert', 'Ana', 'David'];

/** Anomaly: a sensor driven past its alarm threshold for a while, so alarms happen on a normal day. */
interface Anomaly {
  sensorIndex: number;
  untilStep: number;
}

export class CityDay {
  private readonly rng: seedrandom.PRNG;
  private readonly withSamples: Category[];
  private step = 0;
  private anomalies: Anomaly[] = [];
  private readonly callsPerSecond: number;
  private readonly reportsPerSecond: number;
  private readonly recentCalls: { category: string | undefined; address: Address }[] = [];

  /** Sensors a rainstorm floods: water gauges and, one in three, manhole covers in low-lying grids. */
  private readonly floodable: ReadonlySet<string>;
  private readonly flooded: SensorFixture[];

  constructor(private readonly input: CityDayInput) {
    this.rng = seedrandom(String(input.seed));
    this.withSamples = input.categories.filter((c) => c.samples.zh.length > 0 && c.samples.en.length > 0);
    this.callsPerSecond = (input.callsPerDay ?? 4000) / 86_400;
    this.reportsPerSecond = (input.reportsPerDay ?? 800) / 86_400;
    const low = input.lowLyingGrids ?? new Set<string>();
    this.flooded = input.scenario?.kind === 'rainstorm' ? input.sensors.filter((s) => low.has(s.gridId) && s.kind === 'water_level') : [];
    const lifted = input.scenario?.kind === 'rainstorm' ? input.sensors.filter((s, i) => low.has(s.gridId) && s.kind === 'manhole_tilt' && i % 3 === 0) : [];
    this.floodable = new Set([...this.flooded, ...lifted].map((s) => s.id));
  }

  get stepIndex(): number {
    return this.step;
  }

  private pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.rng() * items.length)]!;
  }

  private jitter([lon, lat]: LonLat, metres: number): LonLat {
    const dLat = ((this.rng() - 0.5) * 2 * metres) / 111_320;
    const dLon = ((this.rng() - 0.5) * 2 * metres) / (111_320 * Math.cos((lat * Math.PI) / 180));
    return [Number((lon + dLon).toFixed(6)), Number((lat + dLat).toFixed(6))];
  }

  private gaussian(): number {
    // Box–Muller; 1 - rng() keeps the log finite.
    return Math.sqrt(-2 * Math.log(1 - this.rng())) * Math.cos(2 * Math.PI * this.rng());
  }

  /** Everything that happens in the next simulated second, whose local hour is `hour`. */
  next(hour: number): Generated[] {
    const step = this.step++;
    const out: Generated[] = [];
    const curve = (DIURNAL[hour] ?? 1) / DIURNAL_MEAN;

    if (this.rng() < this.callsPerSecond * curve) out.push(this.call(step));
    if (this.rng() < this.reportsPerSecond * curve) out.push(this.report(step));
    const storm = this.stormProgress(step);
    if (storm > 0 && step >= this.input.scenario!.callsFromStep && this.flooded.length > 0 && this.rng() < this.input.scenario!.callsPerSecond) {
      out.push(this.floodCall(step));
    }

    // Each sensor reports once a minute, staggered across the minute by its index.
    const sensors = this.input.sensors;
    if (this.rng() < 1 / 900 && sensors.length > 0) {
      this.anomalies.push({ sensorIndex: Math.floor(this.rng() * sensors.length), untilStep: step + 300 + Math.floor(this.rng() * 900) });
    }
    const onlyAnomalies = this.input.readings === 'anomalies';
    // Played alone, an anomaly's sensor reads on until its rule's dwell has cleared the alarm.
    const clearing = (a: Anomaly) => (onlyAnomalies ? sensors[a.sensorIndex]!.rule.dwellSec + 2 * READING_STEPS : 0);
    this.anomalies = this.anomalies.filter((a) => a.untilStep + clearing(a) > step);
    if (onlyAnomalies) {
      for (const i of new Set(this.anomalies.map((a) => a.sensorIndex))) if (i % READING_STEPS === step % READING_STEPS) out.push(this.reading(i, step, hour, storm));
    } else {
      for (let i = step % READING_STEPS; i < sensors.length; i += READING_STEPS) out.push(this.reading(i, step, hour, storm));
    }
    return out;
  }

  private reading(index: number, step: number, hour: number, storm: number): Generated {
    const sensor = this.input.sensors[index]!;
    const flooding = storm > 0 && this.floodable.has(sensor.id);
    const value = flooding ? this.stormValue(sensor, storm) : this.readingValue(index, step, sensor, hour);
    return { kind: 'reading', id: `${sensor.id}:${step}`, sensorId: sensor.id, metric: sensor.metric, value };
  }

  /** 0 before the storm, rising to 1 over the ramp. */
  private stormProgress(step: number): number {
    const scenario = this.input.scenario;
    if (scenario?.kind !== 'rainstorm' || step < scenario.startStep) return 0;
    return Math.min(1, (step - scenario.startStep + 1) / scenario.rampSteps);
  }

  /** Water and tilt climbing from the baseline to past the alarm level as the storm builds. */
  private stormValue(sensor: SensorFixture, progress: number): number {
    const { mean, noise } = sensor.baseline;
    const peak = sensor.rule.alarm + Math.abs(sensor.rule.alarm - mean) * 0.3;
    return round2(Math.max(0, mean + (peak - mean) * progress + noise * 0.3 * this.gaussian()));
  }

  private floodCall(step: number): Generated {
    const sensor = this.pick(this.flooded);
    const category = this.withSamples.find((c) => c.code === FLOOD_CATEGORY) ?? this.pick(this.withSamples);
    const chinese = this.rng() < 0.7;
    return {
      kind: 'call',
      id: `flood-${step}`,
      categoryHint: category.code,
      text: this.pick(chinese ? category.samples.zh : category.samples.en),
      address: this.nearestAddress(sensor.location),
      location: this.jitter(sensor.location, 15),
      caller: { name: `${this.pick(SURNAMES)}${this.pick(GIVEN)}`, phone: `13${Math.floor(this.rng() * 10)}${String(Math.floor(this.rng() * 1e8)).padStart(8, '0')}` },
    };
  }

  private nearestAddress([lon, lat]: LonLat): string {
    let best = this.input.addresses[0]!;
    let bestD = Infinity;
    for (const a of this.input.addresses) {
      const d = Math.abs(a.location[0] - lon) + Math.abs(a.location[1] - lat);
      if (d < bestD) {
        best = a;
        bestD = d;
      }
    }
    return best.name;
  }

  private readingValue(index: number, step: number, sensor: SensorFixture, hour: number): number {
    const { mean, amplitude, noise } = sensor.baseline;
    const anomalous = this.anomalies.some((a) => a.sensorIndex === index && a.untilStep > step);
    if (anomalous) {
      const { alarm, direction } = sensor.rule;
      const past = Math.abs(alarm) * 0.1 + noise;
      return round2(direction === 'above' ? alarm + past : alarm - past);
    }
    const daily = amplitude * Math.sin(((hour - 8) / 24) * 2 * Math.PI);
    return round2(Math.max(0, mean + daily + noise * this.gaussian()));
  }

  private call(step: number): Generated {
    // One call in ten is somebody else calling about the same thing (重复来电).
    const repeat = this.recentCalls.length > 0 && this.rng() < 0.1 ? this.pick(this.recentCalls) : null;
    const category = repeat?.category ? this.withSamples.find((c) => c.code === repeat.category)! : this.pick(this.withSamples);
    const address = repeat?.address ?? this.pick(this.input.addresses);
    const chinese = this.rng() < 0.7;
    const text = this.pick(chinese ? category.samples.zh : category.samples.en);
    const hinted = this.rng() < 0.6;
    const phone = `1${3 + Math.floor(this.rng() * 7)}${String(Math.floor(this.rng() * 1e9)).padStart(9, '0')}`;
    const name = `${this.pick(SURNAMES)}${chinese ? '' : ' '}${this.pick(GIVEN)}`;
    this.recentCalls.push({ category: category.code, address });
    if (this.recentCalls.length > 50) this.recentCalls.shift();
    return {
      kind: 'call',
      id: `call-${step}`,
      ...(hinted ? { categoryHint: category.code } : {}),
      text,
      address: address.name,
      location: this.jitter(address.location, 40),
      caller: { name, phone },
    };
  }

  private report(step: number): Generated {
    const category = this.pick(this.withSamples);
    const address = this.pick(this.input.addresses);
    return {
      kind: 'report',
      id: `report-${step}`,
      source: this.rng() < 0.75 ? 'patrol' : 'camera',
      category: category.code,
      text: this.pick(this.rng() < 0.7 ? category.samples.zh : category.samples.en),
      location: this.jitter(address.location, 60),
    };
  }
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
