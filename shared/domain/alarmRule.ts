// Threshold rule with hysteresis: a sensor enters a level when its value crosses the level's
// threshold, and leaves the alarm level only when it comes back past the separate `clear` level,
// so a value hovering at the threshold does not flap. (Dwell times come with the ingest issue.)

import type { SensorRule } from './types.ts';

export type SensorLevel = 'normal' | 'warn' | 'alarm';

function beyond(rule: SensorRule, value: number, threshold: number): boolean {
  return rule.direction === 'above' ? value >= threshold : value <= threshold;
}

export function nextLevel(rule: SensorRule, previous: SensorLevel, value: number): SensorLevel {
  if (beyond(rule, value, rule.alarm)) return 'alarm';
  // Still strictly on the alarm side of `clear`: hold the alarm.
  const pastClear = rule.direction === 'above' ? value > rule.clear : value < rule.clear;
  if (previous === 'alarm' && pastClear) return 'alarm';
  if (beyond(rule, value, rule.warn)) return 'warn';
  return 'normal';
}
