// Who may see which change. The server places each socket in one scope room from its session;
// batches are filtered once per room, never per socket.

import type { Change } from '../../shared/protocol/changes.ts';
import type { User } from '../../shared/domain/types.ts';
import { grantOf } from '../../shared/security/policy.ts';

/**
 * `city`: everything. `district`: an officer's district's incidents, sensors and units, the cases
 * their own unit holds wherever they are, and only their own unit's tasks. `records`: the city's cases, alarms and figures without the units'
 * live positions (roles the policy table does not grant `unit.read`: admin, auditor).
 */
export type Scope = { kind: 'city' } | { kind: 'records' } | { kind: 'district'; districtId: string; unitId: string };

const SCOPE_PREFIX = 'scope:';

export function scopeOf(user: User): Scope {
  // Officers work in one district and see only it; every desk role sees the whole city.
  if (user.role === 'officer') return { kind: 'district', districtId: user.districtId ?? '(none)', unitId: user.unitId ?? '(none)' };
  if (!grantOf(user.role, 'unit.read')) return { kind: 'records' };
  return { kind: 'city' };
}

export function roomOf(scope: Scope): string {
  if (scope.kind === 'district') return `${SCOPE_PREFIX}district:${scope.districtId}:unit:${scope.unitId}`;
  return `${SCOPE_PREFIX}${scope.kind}`;
}

export function scopeOfRoom(room: string): Scope | null {
  if (!room.startsWith(SCOPE_PREFIX)) return null;
  const rest = room.slice(SCOPE_PREFIX.length);
  if (rest === 'city') return { kind: 'city' };
  if (rest === 'records') return { kind: 'records' };
  const officer = /^district:([^:]+):unit:([^:]+)$/.exec(rest);
  if (officer) return { kind: 'district', districtId: officer[1]!, unitId: officer[2]! };
  return null;
}

/** Whether a change belongs on a screen of this scope. `sensorDistrict` resolves telemetry. */
export function isVisible(scope: Scope, change: Change, sensorDistrict: (id: string) => string | undefined): boolean {
  if (scope.kind === 'city') return true;
  if (scope.kind === 'records') return change.type !== 'unit';
  const d = scope.districtId;
  switch (change.type) {
    case 'incident':
      // A crew sent across the district line still sees the case it holds.
      return change.incident.districtId === d || change.incident.unitId === scope.unitId;
    case 'task':
      return change.task.unitId === scope.unitId;
    case 'alarm':
      return change.alarm.districtId === d;
    case 'unit':
      return change.unit.homeDistrictId === d;
    case 'sensor':
      return sensorDistrict(change.sensor.id) === d;
    case 'metrics':
    case 'notice':
      // City-wide figures and notices are for the operations center, not the street.
      return false;
  }
}
