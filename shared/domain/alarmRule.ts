// Threshold rule with hysteresis and dwell. A reading proposes a level: beyond `alarm` → alarm,
// beyond `warn` → warn; an alarm is held until the value comes back strictly past the separate
// `clear` level, so a value hovering at the threshold does not flap. A proposed change of level
// takes effect only once it has persisted for `dwellSec` (both raising and clearing), so one
// spike or one dip does not raise or clear an alarm.

import type { SensorRule } from './types.ts';

export type SensorLevel = 'normal' | 'warn' | 'alarm';

export interface RuleState {
  level: SensorLevel;
  /** The previous reading, for the rate-of-change test. */
  last?: { value: number; at: string } | null;
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

/** Whether the value moved faster than the rule allows since the last reading (in its direction). */
export function tooFast(rule: SensorRule, last: RuleState['last'], value: number, at: string): boolean {
  if (rule.maxRatePerMin === undefined || !last) return false;
  const minutes = (Date.parse(at) - Date.parse(last.at)) / 60_000;
  if (minutes <= 0) return false;
  const rate = (value - last.value) / minutes;
  return rule.direction === 'above' ? rate > rule.maxRatePerMin : -rate > rule.maxRatePerMin;
}

/** Advance the rule by one reading taken at `at` (ISO time). */
export function evaluate(rule: SensorRule, state: RuleState, value: number, at: string): RuleState {
  const last = { value, at };
  const proposed = tooFast(rule, state.last, value, at) ? 'alarm' : nextLevel(rule, state.level, value);
  if (proposed === state.level) return { level: state.level, pending: null, last };
  const since = state.pending?.level === proposed ? state.pending.since : at;
  if (Date.parse(at) - Date.parse(since) >= rule.dwellSec * 1000) return { level: proposed, pending: null, last };
  return { level: state.level, pending: { level: proposed, since }, last };
}
