import { describe, expect, it } from 'vitest';
import { INCIDENT_RULES, adjustParent, allowedActions, decide, type IncidentCommand } from './incidentMachine.ts';
import { openIncident } from './incidentFactory.ts';
import { INCIDENT_STATUSES, ROLES, type Actor, type Incident, type IncidentStatus, type Role } from './types.ts';

const NOW = '2026-11-22T08:30:00.000Z';

function incident(status: IncidentStatus, patch: Partial<Incident> = {}): Incident {
  const base = openIncident({
    id: 'i1',
    codePrefix: 'GD-20261122',
    source: 'hotline',
    text: '路面积水严重，车辆无法通行。',
    category: 'municipal.drainage.waterlogging',
    severity: 'high',
    location: [-87.63, 41.88],
    address: null,
    placement: { gridId: 'CA32-G001', streetId: 'CA32-S01', districtId: 'CA32' },
    now: '2026-11-22T08:00:00.000Z',
  });
  return { ...base, status, version: 3, ...patch };
}

function actor(role: Role, unitId?: string): Actor {
  return { id: `u-${role}`, role, ...(unitId ? { unitId, districtId: 'CA32' } : {}) };
}

/** A valid command of each kind, at the incident's version. */
function command(action: IncidentCommand['action'], version: number): IncidentCommand {
  switch (action) {
    case 'triage':
      return { action, version, category: 'municipal.roads.pothole', severity: 'medium' };
    case 'dispatch':
      return { action, version, unitId: 'U001' };
    case 'verify':
      return { action, version, ok: true };
    case 'merge':
      return { action, version, intoId: 'i2' };
    case 'rate':
      return { action, version, satisfaction: 'satisfied' };
    case 'return':
    case 'reopen':
    case 'reject':
    case 'escalate':
    case 'split':
      return { action, version, reason: 'because' };
    default:
      return { action, version } as IncidentCommand;
  }
}

describe('decide: every state × command × role', () => {
  const cases = INCIDENT_STATUSES.flatMap((status) =>
    (Object.keys(INCIDENT_RULES) as IncidentCommand['action'][]).flatMap((action) => ROLES.map((role) => ({ status, action, role }))),
  );

  it.each(cases)('$action from $status by $role', ({ status, action, role }) => {
    const rule = INCIDENT_RULES[action];
    // Officers act on the case their unit holds.
    const subject = incident(status, { unitId: 'U001' });
    const decision = decide(subject, command(action, subject.version), actor(role, role === 'officer' ? 'U001' : undefined), NOW);
    if (!rule.roles.includes(role)) {
      expect(decision).toMatchObject({ ok: false, refusal: { code: 'role_not_allowed', currentVersion: 3 } });
    } else if (!rule.from.includes(status)) {
      expect(decision).toMatchObject({ ok: false, refusal: { code: 'invalid_state' } });
    } else {
      expect(decision.ok).toBe(true);
      if (decision.ok) {
        expect(decision.incident.version).toBe(4);
        expect(decision.entry).toMatchObject({ action, from: status, actorId: `u-${role}`, at: NOW });
      }
    }
  });
});

describe('decide: the loop and its rules', () => {
  it('walks the closed loop new → closed', () => {
    const steps: [IncidentCommand['action'], Role, IncidentStatus][] = [
      ['triage', 'dispatcher', 'triaged'],
      ['dispatch', 'dispatcher', 'dispatched'],
      ['accept', 'officer', 'accepted'],
      ['arrive', 'officer', 'on_scene'],
      ['resolve', 'officer', 'resolved'],
      ['close', 'supervisor', 'closed'],
    ];
    let current = incident('new', { version: 1 });
    for (const [action, role, expected] of steps) {
      const decision = decide(current, command(action, current.version), actor(role, 'U001'), NOW);
      expect(decision.ok, `${action}`).toBe(true);
      if (!decision.ok) return;
      current = decision.incident;
      expect(current.status).toBe(expected);
      expect(current.stageAt[expected]).toBe(NOW);
    }
    expect(current.version).toBe(7);
    expect(current.unitId).toBe('U001');
  });

  it('refuses a stale version with the current one', () => {
    const decision = decide(incident('triaged'), command('dispatch', 2), actor('dispatcher'), NOW);
    expect(decision).toEqual({ ok: false, refusal: { code: 'version_conflict', rule: 'expected version 3, got 2', currentVersion: 3 } });
  });

  it('needs a reason to return, reopen, reject or escalate', () => {
    for (const [action, status] of [['reject', 'new'], ['escalate', 'dispatched'], ['reopen', 'closed']] as const) {
      const decision = decide(incident(status), { action, version: 3, reason: '  ' }, actor('supervisor'), NOW);
      expect(decision).toMatchObject({ ok: false, refusal: { code: 'reason_required' } });
    }
  });

  it('keeps officers to the case their unit holds', () => {
    const decision = decide(incident('dispatched', { unitId: 'U002' }), command('accept', 3), actor('officer', 'U001'), NOW);
    expect(decision).toMatchObject({ ok: false, refusal: { code: 'out_of_scope' } });
  });

  it('a failed verification reopens to triage and releases the unit', () => {
    const decision = decide(incident('resolved', { unitId: 'U001' }), { action: 'verify', version: 3, ok: false, note: '仍有积水' }, actor('supervisor'), NOW);
    expect(decision.ok && decision.incident).toMatchObject({ status: 'triaged', unitId: null });
  });

  it('escalates to level 2 and no further', () => {
    let current = incident('dispatched');
    for (const level of [1, 2]) {
      const d = decide(current, command('escalate', current.version), actor('supervisor'), NOW);
      expect(d.ok && d.incident.escalationLevel).toBe(level);
      if (d.ok) current = d.incident;
    }
    expect(decide(current, command('escalate', current.version), actor('supervisor'), NOW)).toMatchObject({ ok: false });
  });

  it('a merge raises the parent by the child and its own repeats; a split gives them back', () => {
    const parent = incident('dispatched', { id: 'p', repeatCount: 2 });
    const child = incident('new', { id: 'c', repeatCount: 1, code: 'GD-2' });
    const absorbed = adjustParent(parent, child, 'absorb', actor('dispatcher'), NOW);
    expect(absorbed.ok && absorbed.incident).toMatchObject({ repeatCount: 4, version: 4, status: 'dispatched' });
    expect(absorbed.ok && absorbed.entry).toMatchObject({ action: 'absorb', note: 'GD-2' });
    if (!absorbed.ok) return;
    const released = adjustParent(absorbed.incident, child, 'release', actor('dispatcher'), NOW);
    expect(released.ok && released.incident.repeatCount).toBe(2);
    expect(adjustParent(incident('closed'), child, 'absorb', actor('dispatcher'), NOW)).toMatchObject({ ok: false, refusal: { code: 'invalid_state' } });
  });

  it('lists the actions a role may take now', () => {
    expect(allowedActions({ status: 'triaged' }, 'dispatcher').sort()).toEqual(['dispatch', 'escalate', 'merge', 'reject', 'triage']);
    expect(allowedActions({ status: 'closed' }, 'officer')).toEqual([]);
  });
});
