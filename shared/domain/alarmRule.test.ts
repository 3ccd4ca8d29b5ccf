import { describe, expect, it } from 'vitest';
import { INITIAL_RULE_STATE, evaluate, nextLevel, type RuleState, type SensorLevel } from './alarmRule.ts';
import type { SensorRule } from './types.ts';

const above: SensorRule = { direction: 'above', warn: 60, alarm: 80, clear: 70, dwellSec: 0 };
const below: SensorRule = { direction: 'below', warn: 30, alarm: 20, clear: 25, dwellSec: 0 };
const dwell: SensorRule = { ...above, dwellSec: 120 };

/** Readings one minute apart from 08:00, as [value] → the level in force after each. */
function run(rule: SensorRule, values: number[]): SensorLevel[] {
  let state: RuleState = INITIAL_RULE_STATE;
  return values.map((v, minute) => (state = evaluate(rule, state, v, new Date(Date.UTC(2026, 10, 22, 8, minute)).toISOString())).level);
}

describe('threshold rule with hysteresis and dwell', () => {
  it('flapping around the alarm threshold raises one alarm, not many', () => {
    const levels = run(above, [79, 81, 79, 80.5, 78, 81, 75]);
    expect(levels).toEqual(['warn', 'alarm', 'alarm', 'alarm', 'alarm', 'alarm', 'alarm']);
    expect(levels.filter((l, i) => l === 'alarm' && levels[i - 1] !== 'alarm')).toHaveLength(1);
  });

  it('clears only past the clear level', () => {
    expect(run(above, [85, 71, 70, 50])).toEqual(['alarm', 'alarm', 'warn', 'normal']);
  });

  it('works for thresholds below', () => {
    expect(run(below, [35, 29, 19, 22, 26, 31])).toEqual(['normal', 'warn', 'alarm', 'alarm', 'warn', 'normal']);
  });

  it('raises only after the level has lasted the dwell time, and ignores a single spike', () => {
    expect(run(dwell, [90, 50, 90, 90, 90, 90])).toEqual(['normal', 'normal', 'normal', 'normal', 'alarm', 'alarm']);
  });

  it('clears only after the value has stayed back for the dwell time', () => {
    const values = [90, 90, 90, 50, 50, 90, 50, 50, 50];
    expect(run(dwell, values)).toEqual(['normal', 'normal', 'alarm', 'alarm', 'alarm', 'alarm', 'alarm', 'alarm', 'normal']);
  });

  it('raises on a rate of change faster than the rule allows, even below the threshold', () => {
    const rate: SensorRule = { ...above, maxRatePerMin: 15 };
    // 20 → 50 in a minute is 30/min: too fast. Then steady at 50: the alarm clears (50 < clear 70).
    expect(run(rate, [20, 50, 50, 52])).toEqual(['normal', 'alarm', 'normal', 'normal']);
    expect(run(above, [20, 50])).toEqual(['normal', 'normal']);
  });

  it('proposes a level per reading, holding an alarm inside the clear band', () => {
    expect(nextLevel(above, 'alarm', 75)).toBe('alarm');
    expect(nextLevel(above, 'warn', 75)).toBe('warn');
  });
});
