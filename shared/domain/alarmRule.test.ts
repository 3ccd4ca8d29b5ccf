import { describe, expect, it } from 'vitest';
import { nextLevel, type SensorLevel } from './alarmRule.ts';
import type { SensorRule } from './types.ts';

const above: SensorRule = { direction: 'above', warn: 60, alarm: 80, clear: 70, dwellSec: 0 };
const below: SensorRule = { direction: 'below', warn: 30, alarm: 20, clear: 25, dwellSec: 0 };

function run(rule: SensorRule, values: number[]): SensorLevel[] {
  let level: SensorLevel = 'normal';
  return values.map((v) => (level = nextLevel(rule, level, v)));
}

describe('threshold rule with hysteresis', () => {
  it('flapping around the alarm threshold raises one alarm, not many', () => {
    const levels = run(above, [79, 81, 79, 80.5, 78, 81, 75]);
    expect(levels).toEqual(['warn', 'alarm', 'alarm', 'alarm', 'alarm', 'alarm', 'alarm']);
  });

  it('clears only past the clear level', () => {
    expect(run(above, [85, 71, 70, 50])).toEqual(['alarm', 'alarm', 'warn', 'normal']);
  });

  it('works for thresholds below', () => {
    expect(run(below, [35, 29, 19, 22, 26, 31])).toEqual(['normal', 'warn', 'alarm', 'alarm', 'warn', 'normal']);
  });
});
