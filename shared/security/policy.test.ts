import { describe, expect, it } from 'vitest';
import { ROLES } from '../domain/types.ts';
import { INCIDENT_RULES } from '../domain/incidentMachine.ts';
import { PERMISSIONS, POLICY, ROUTE_POLICY, SOCKET_POLICY, grantOf, pathMatches, routePolicyFor } from './policy.ts';

const TASK_ACTIONS = new Set(['accept', 'arrive', 'resolve', 'return']);

describe('the policy table', () => {
  it('grants only known permissions, and every session route and socket event names one', () => {
    for (const role of ROLES) for (const p of Object.keys(POLICY[role])) expect(PERMISSIONS).toContain(p);
    for (const row of ROUTE_POLICY) if (row.access !== 'public') expect(PERMISSIONS, `${row.method} ${row.path}`).toContain(row.permission);
    for (const p of Object.values(SOCKET_POLICY)) expect(PERMISSIONS).toContain(p);
  });

  it('agrees with the incident state machine: a role may reach the command routes exactly when the machine lets it give some command there', () => {
    for (const role of ROLES) {
      const actions = Object.entries(INCIDENT_RULES).filter(([, rule]) => rule.roles.includes(role)).map(([action]) => action);
      expect(grantOf(role, 'incident.command') !== null, `${role} incident.command`).toBe(actions.some((a) => !TASK_ACTIONS.has(a)));
      expect(grantOf(role, 'task.command') !== null, `${role} task.command`).toBe(actions.some((a) => TASK_ACTIONS.has(a)));
    }
  });

  it('keeps duties apart: the auditor changes nothing, the admin gives no commands and sees no callers, only dispatch roles reveal', () => {
    const changing = ['incident.create', 'incident.command', 'task.command', 'unit.position', 'alarm.acknowledge', 'photo.create', 'ingest.create', 'user.manage', 'apikey.manage', 'session.manage', 'caller.reveal'] as const;
    for (const p of changing) expect(grantOf('auditor', p), p).toBeNull();
    for (const p of ['incident.command', 'task.command', 'caller.read', 'caller.reveal'] as const) expect(grantOf('admin', p), p).toBeNull();
    expect(ROLES.filter((r) => grantOf(r, 'caller.reveal'))).toEqual(['dispatcher', 'supervisor']);
    expect(ROLES.filter((r) => grantOf(r, 'user.manage'))).toEqual(['admin']);
  });

  it.each([
    ['/api/incidents/:id', '/api/incidents/abc', true],
    ['/api/incidents/:id', '/api/incidents/', false],
    ['/api/incidents/:id', '/api/incidents/a/b', false],
    ['/open311/v2/services/:code.json', '/open311/v2/services/a.b.json', true],
    ['/open311/v2/services/:code.json', '/open311/v2/services/.json', false],
    ['/open311/v2/services/:code.json', '/open311/v2/services/a.xml', false],
    ['/tiles/*', '/tiles/a/b/c', true],
    ['*', '/anything', true],
  ])('%s matches %s: %s', (pattern, path, expected) => {
    expect(pathMatches(pattern, path)).toBe(expected);
  });

  it('finds no row for an unknown API path (so it is refused), and the most specific row otherwise', () => {
    expect(routePolicyFor('GET', '/api/nothing-here')).toBeUndefined();
    expect(routePolicyFor('DELETE', '/api/incidents/x')).toBeUndefined();
    expect(routePolicyFor('GET', '/api/incidents/x/duplicates')?.permission).toBe('incident.advise');
    expect(routePolicyFor('HEAD', '/api/incidents')?.permission).toBe('incident.read');
    expect(routePolicyFor('GET', '/dispatch')?.access).toBe('public');
  });
});
