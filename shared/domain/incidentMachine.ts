// The incident state machine of MISSION.md as one pure function: no clock, no store.
// decide(incident, command, actor, now) either returns the next state and its timeline entry,
// or a typed refusal that names the rule it broke.

import type {
  Actor,
  Incident,
  IncidentStatus,
  Role,
  Satisfaction,
  Severity,
  TimelineEntry,
} from './types.ts';

export type IncidentCommand =
  | { action: 'triage'; version: number; category: string; severity: Severity }
  | { action: 'dispatch'; version: number; unitId: string; reason?: string }
  | { action: 'accept'; version: number }
  | { action: 'arrive'; version: number }
  | { action: 'resolve'; version: number; note?: string }
  | { action: 'return'; version: number; reason: string }
  | { action: 'verify'; version: number; ok: boolean; note?: string }
  | { action: 'close'; version: number; note?: string }
  | { action: 'reopen'; version: number; reason: string }
  | { action: 'reject'; version: number; reason: string }
  | { action: 'merge'; version: number; intoId: string }
  | { action: 'split'; version: number; reason: string }
  | { action: 'escalate'; version: number; reason: string }
  | { action: 'rate'; version: number; satisfaction: Satisfaction; resolved?: boolean };

export type IncidentAction = IncidentCommand['action'];

export type RefusalCode = 'version_conflict' | 'role_not_allowed' | 'invalid_state' | 'reason_required' | 'out_of_scope';

export interface Refusal {
  code: RefusalCode;
  /** Which rule was broken, in words a log reader understands. */
  rule: string;
  currentVersion: number;
}

export type Decision =
  | { ok: true; incident: Incident; entry: TimelineEntry }
  | { ok: false; refusal: Refusal };

interface Rule {
  roles: readonly Role[];
  from: readonly IncidentStatus[];
  /** Next status; `null` keeps the current one (side facts such as escalation or rating). */
  to: IncidentStatus | ((incident: Incident, command: IncidentCommand) => IncidentStatus) | null;
}

const OPEN_STATES: readonly IncidentStatus[] = ['new', 'triaged', 'dispatched', 'accepted', 'on_scene', 'resolved'];
const FIELD_ROLES: readonly Role[] = ['officer', 'dispatcher', 'supervisor'];

/** The whole loop as data: who may give each command, from which states, to which state. */
export const INCIDENT_RULES: Readonly<Record<IncidentAction, Rule>> = {
  triage: { roles: ['dispatcher', 'supervisor'], from: ['new', 'triaged'], to: 'triaged' },
  dispatch: { roles: ['dispatcher', 'supervisor'], from: ['triaged'], to: 'dispatched' },
  accept: { roles: FIELD_ROLES, from: ['dispatched'], to: 'accepted' },
  arrive: { roles: FIELD_ROLES, from: ['accepted'], to: 'on_scene' },
  resolve: { roles: FIELD_ROLES, from: ['accepted', 'on_scene'], to: 'resolved' },
  return: { roles: FIELD_ROLES, from: ['dispatched', 'accepted'], to: 'triaged' },
  verify: {
    roles: ['supervisor'],
    from: ['resolved'],
    to: (_incident, command) => (command.action === 'verify' && command.ok ? 'closed' : 'triaged'),
  },
  close: { roles: ['supervisor'], from: ['resolved'], to: 'closed' },
  reopen: { roles: ['supervisor'], from: ['resolved', 'closed'], to: 'triaged' },
  reject: { roles: ['dispatcher', 'supervisor'], from: ['new', 'triaged'], to: 'rejected' },
  merge: { roles: ['dispatcher', 'supervisor'], from: ['new', 'triaged'], to: 'merged' },
  // Undo a merge: back to the queue, triaged if it had been classified.
  split: { roles: ['dispatcher', 'supervisor'], from: ['merged'], to: (incident) => (incident.category ? 'triaged' : 'new') },
  escalate: { roles: ['dispatcher', 'supervisor'], from: OPEN_STATES, to: null },
  rate: { roles: ['operator', 'dispatcher', 'supervisor'], from: ['closed'], to: null },
};

const NEEDS_REASON: ReadonlySet<IncidentAction> = new Set(['return', 'reopen', 'reject', 'escalate', 'split']);

export function isOpen(status: IncidentStatus): boolean {
  return OPEN_STATES.includes(status);
}

/** The actions a role may give on an incident in its current state (drives buttons and shortcuts). */
export function allowedActions(incident: Pick<Incident, 'status'>, role: Role): IncidentAction[] {
  return (Object.keys(INCIDENT_RULES) as IncidentAction[]).filter((action) => {
    const rule = INCIDENT_RULES[action];
    return rule.roles.includes(role) && rule.from.includes(incident.status);
  });
}

function refuse(incident: Incident, code: RefusalCode, rule: string): Decision {
  return { ok: false, refusal: { code, rule, currentVersion: incident.version } };
}

function reasonOf(command: IncidentCommand): string | undefined {
  if ('reason' in command) return command.reason;
  return undefined;
}

export function decide(incident: Incident, command: IncidentCommand, actor: Actor, now: string): Decision {
  const rule = INCIDENT_RULES[command.action];
  if (command.version !== incident.version) {
    return refuse(incident, 'version_conflict', `expected version ${incident.version}, got ${command.version}`);
  }
  if (!rule.roles.includes(actor.role)) {
    return refuse(incident, 'role_not_allowed', `${command.action} may be given by ${rule.roles.join(', ')}`);
  }
  if (actor.role === 'officer') {
    if (incident.unitId === null || incident.unitId !== actor.unitId) {
      return refuse(incident, 'out_of_scope', `${command.action} is for the unit holding the case`);
    }
  }
  if (!rule.from.includes(incident.status)) {
    return refuse(
      incident,
      'invalid_state',
      `${command.action} is allowed from ${rule.from.join(', ')}, not from ${incident.status}`,
    );
  }
  const reason = reasonOf(command)?.trim();
  if (NEEDS_REASON.has(command.action) && !reason) {
    return refuse(incident, 'reason_required', `${command.action} needs a reason`);
  }
  if (command.action === 'verify' && !command.ok && !command.note?.trim()) {
    return refuse(incident, 'reason_required', 'a failed verification needs a note saying why');
  }
  if (command.action === 'escalate' && incident.escalationLevel >= 2) {
    return refuse(incident, 'invalid_state', 'escalation is already at the highest level (2)');
  }
  if (command.action === 'rate' && incident.source !== 'hotline') {
    return refuse(incident, 'invalid_state', 'only hotline cases are rated by their caller');
  }
  if (command.action === 'merge' && command.intoId === incident.id) {
    return refuse(incident, 'invalid_state', 'an incident cannot be merged into itself');
  }

  const to = rule.to === null ? incident.status : typeof rule.to === 'function' ? rule.to(incident, command) : rule.to;
  const next: Incident = {
    ...incident,
    status: to,
    version: incident.version + 1,
    updatedAt: now,
    stageAt: to === incident.status ? incident.stageAt : { ...incident.stageAt, [to]: now },
  };
  applySideEffects(next, command);

  const note = reason ?? noteOf(command);
  const entry: TimelineEntry = {
    at: now,
    action: command.action,
    actorId: actor.id,
    from: incident.status,
    to,
    ...(note ? { note } : {}),
  };
  return { ok: true, incident: next, entry };
}

function noteOf(command: IncidentCommand): string | undefined {
  switch (command.action) {
    case 'resolve':
    case 'close':
    case 'verify':
      return command.note?.trim() || undefined;
    case 'merge':
      return `→ ${command.intoId}`;
    case 'triage':
      return `${command.category} · ${command.severity}`;
    case 'rate':
      return command.satisfaction;
    default:
      return undefined;
  }
}

function applySideEffects(next: Incident, command: IncidentCommand): void {
  switch (command.action) {
    case 'triage':
      next.category = command.category;
      next.severity = command.severity;
      break;
    case 'dispatch':
      next.unitId = command.unitId;
      break;
    case 'return':
    case 'reopen':
      next.unitId = null;
      break;
    case 'verify':
      if (!command.ok) next.unitId = null;
      break;
    case 'merge':
      next.parentId = command.intoId;
      break;
    case 'split':
      next.parentId = null;
      break;
    case 'escalate':
      next.escalationLevel = Math.min(2, next.escalationLevel + 1) as 0 | 1 | 2;
      break;
    case 'rate':
      next.satisfaction = command.satisfaction;
      // The callback's other answer: was the problem solved (for the 12345 resolution rate).
      if (command.resolved !== undefined) next.callbackResolved = command.resolved;
      break;
    default:
      break;
  }
}

/**
 * The parent's side of a merge (absorb) or split (release): its count of repeated reports moves
 * by the child and everything already merged into the child. A closed or merged parent cannot
 * take more duplicates.
 */
export function adjustParent(
  parent: Incident,
  child: Incident,
  direction: 'absorb' | 'release',
  actor: Actor,
  now: string,
): Decision {
  if (direction === 'absorb' && (!isOpen(parent.status) || parent.parentId !== null)) {
    return refuse(parent, 'invalid_state', `cannot merge into an incident that is ${parent.status}`);
  }
  const delta = (1 + child.repeatCount) * (direction === 'absorb' ? 1 : -1);
  const incident: Incident = { ...parent, repeatCount: Math.max(0, parent.repeatCount + delta), version: parent.version + 1, updatedAt: now };
  const entry: TimelineEntry = { at: now, action: direction, actorId: actor.id, from: parent.status, to: parent.status, note: child.code };
  return { ok: true, incident, entry };
}
