// Threshold rule with hysteresis and dwell. A reading proposes a level: beyond `alarm` → alarm,
// beyond `warn` → warn; an alarm is held until the value comes back strictly past the separate
// `clear` level, so a value hovering at the threshold does not flap. A proposed change of level
// takes effect only once it has persisted for `dwellSec` (both raising and clearing), so one
// spike or one dip does not raise or clear an alarm.

import type { SensorRule } from './types.ts';

export type SensorLevel = 'normal' | 'warn' | 'alarm';

export interface RuleState {
  level: SensorLevel;
  /** A different level the readings have been proposing, and since when. */
  pending: { level: SensorLevel; since: string } | null;
}

export const INITIAL_RULE_STATE: RuleState = { level: 'normal', pending: null };

function beyond(rule: SensorRule, value: number, threshold: number): boolean {
  return rule.direction === 'above' ? value >= threshold : value <= threshold;
}

/** The level one reading proposes, given the level in force (for hysteresis). */
export function nextLevel(rule: SensorRule, previous: SensorLevel, value: number): SensorLevel {
  if (beyond(rule, value, rule.alarm)) return 'alarm';
  // Still strictly on the alarm side of `clear`: hold the alarm.
  const pastClear = rule.direction === 'above' ? value > rule.clear : value < rule.clear;
  if (previous === 'alarm' && pastClear) return 'alarm';
  if (beyond(rule, value, rule.warn)) return 'warn';
  return 'normal';
}

/** Advance the rule by one reading taken at `at` (ISO time). */
export function evaluate(rule: SensorRule, state: RuleState, value: number, at: string): RuleState {
  const proposed = nextLevel(rule, state.level, value);
  if (proposed === state.level) return { level: state.level, pending: null };
  const since = state.pending?.level === proposed ? state.pending.since : at;
  if (Date.parse(at) - Date.parse(since) >= rule.dwellSec * 1000) return { level: proposed, pending: null };
  return { level: state.level, pending: { level: proposed, since } };
}
