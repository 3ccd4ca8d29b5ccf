// Who may do what, as data: role × resource × action → scope. The server enforces it on every
// HTTP route (ROUTE_POLICY) and every socket event (SOCKET_POLICY); the matrix test walks the
// routes and events the server really registers and fails for any that has no entry here.
// To add a route: add a row to ROUTE_POLICY naming its resource and action, and, for a new
// resource or action, a grant per role in POLICY. Anything not granted is refused.

import type { Role } from '../domain/types.ts';

/**
 * How far a grant reaches. `all`: the whole city. `district`: objects in the user's own district
 * (anything else answers 404, as if it did not exist). `own`: the user's own unit, account or
 * upload only.
 */
export type Scope = 'all' | 'district' | 'own';

export const PERMISSIONS = [
  'session.self', // who am I, sign out
  'reference.read', // city, districts, grids, map style, categories
  'incident.read',
  'incident.create',
  'incident.command', // POST /incidents/:id/actions (the state machine then checks the action)
  'incident.advise', // recommendations and duplicates
  'caller.read', // masked caller name and phone beside an incident
  'caller.reveal', // the full values: rate-limited and audited
  'task.read',
  'task.command',
  'unit.read',
  'unit.position', // report a unit's position
  'sensor.read',
  'alarm.acknowledge',
  'metrics.read',
  'audit.read',
  'photo.create',
  'photo.read',
  'ingest.create', // report events with a session (machines use API keys)
  'user.manage',
  'apikey.manage',
  'session.manage',
  'live.subscribe',
  'presence.view',
  'deadline.read', // extension, suspension and return-arbitration requests
  'deadline.request', // ask to stop a case's clock
  'deadline.decide', // approve or refuse a request; lift a suspension
  'deadline.manage', // deadline profiles
  'metrics.export', // the evaluation as CSV
] as const;
export type Permission = (typeof PERMISSIONS)[number];

const EVERYONE_READS: Partial<Record<Permission, Scope>> = {
  'session.self': 'own',
  'reference.read': 'all',
  'live.subscribe': 'all',
};

/** The policy table. A permission missing from a role's row is refused. */
export const POLICY: Record<Role, Partial<Record<Permission, Scope>>> = {
  // The hotline desk and the big screen (kiosk): takes calls, watches the city; sees callers masked.
  operator: {
    ...EVERYONE_READS,
    'incident.read': 'all',
    'incident.create': 'all',
    'incident.command': 'all',
    'incident.advise': 'all',
    'caller.read': 'all',
    'unit.read': 'all',
    'sensor.read': 'all',
    'alarm.acknowledge': 'all',
    'metrics.read': 'all',
    'photo.read': 'all',
    'ingest.create': 'all',
    'presence.view': 'all',
  },
  dispatcher: {
    ...EVERYONE_READS,
    'incident.read': 'all',
    'incident.create': 'all',
    'incident.command': 'all',
    'incident.advise': 'all',
    'caller.read': 'all',
    'caller.reveal': 'all',
    'task.read': 'all',
    'task.command': 'all',
    'unit.read': 'all',
    'unit.position': 'all',
    'sensor.read': 'all',
    'alarm.acknowledge': 'all',
    'metrics.read': 'all',
    'photo.create': 'all',
    'photo.read': 'all',
    'ingest.create': 'all',
    'presence.view': 'all',
    'deadline.read': 'all',
    'deadline.request': 'all',
  },
  // In the street: their own district's cases, sensors and units; their own unit's tasks.
  officer: {
    ...EVERYONE_READS,
    'incident.read': 'district',
    'task.read': 'own',
    'task.command': 'own',
    'unit.read': 'district',
    'unit.position': 'own',
    'sensor.read': 'district',
    'photo.create': 'all',
    'photo.read': 'district',
    'ingest.create': 'all',
    'metrics.read': 'district',
    'metrics.export': 'district',
    'deadline.read': 'district',
    'deadline.request': 'own',
  },
  supervisor: {
    ...EVERYONE_READS,
    'incident.read': 'all',
    'incident.create': 'all',
    'incident.command': 'all',
    'incident.advise': 'all',
    'caller.read': 'all',
    'caller.reveal': 'all',
    'task.read': 'all',
    'task.command': 'all',
    'unit.read': 'all',
    'unit.position': 'all',
    'sensor.read': 'all',
    'alarm.acknowledge': 'all',
    'metrics.read': 'all',
    'audit.read': 'all',
    'photo.create': 'all',
    'photo.read': 'all',
    'ingest.create': 'all',
    'presence.view': 'all',
    'metrics.export': 'all',
    'deadline.read': 'all',
    'deadline.request': 'all',
    'deadline.decide': 'all',
  },
  // Accounts, keys and sessions; reads the city's cases but gives no commands, sees no callers
  // and no unit positions.
  admin: {
    ...EVERYONE_READS,
    'incident.read': 'all',
    'sensor.read': 'all',
    'metrics.read': 'all',
    'audit.read': 'all',
    'photo.read': 'all',
    'user.manage': 'all',
    'apikey.manage': 'all',
    'session.manage': 'all',
    'metrics.export': 'all',
    'deadline.read': 'all',
    'deadline.manage': 'all',
  },
  // Reads the audit log and the record it refers to; changes nothing; no unit positions.
  auditor: {
    ...EVERYONE_READS,
    'incident.read': 'all',
    'sensor.read': 'all',
    'metrics.read': 'all',
    'audit.read': 'all',
    'photo.read': 'all',
    'metrics.export': 'all',
    'deadline.read': 'all',
  },
};

/** The scope a role holds for a permission, or null when it is refused. */
export function grantOf(role: Role, permission: Permission): Scope | null {
  return POLICY[role]?.[permission] ?? null;
}

/**
 * How a route is reached. `session`: a signed-in person holding `permission`. `public`: anyone
 * (sign-in, health, the app shell). `apiKeyOrSession`: a Bearer API key (checked by the route)
 * or a signed-in person holding `permission`.
 */
export type RouteAccess = 'session' | 'public' | 'apiKeyOrSession';

export interface RoutePolicy {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Express-style path: `:name` matches one segment, a trailing `*` anything below. */
  path: string;
  access: RouteAccess;
  permission?: Permission;
}

const r = (method: RoutePolicy['method'], path: string, permission: Permission): RoutePolicy => ({ method, path, access: 'session', permission });
const pub = (method: RoutePolicy['method'], path: string): RoutePolicy => ({ method, path, access: 'public' });

/** Every HTTP route the server registers. A route missing here is refused (deny by default). */
export const ROUTE_POLICY: readonly RoutePolicy[] = [
  pub('GET', '/healthz'),
  pub('GET', '/readyz'),
  // Prometheus scrape: not a person's route; the handler answers loopback or a bearer token only.
  pub('GET', '/metrics'),
  // The client shell for every page path; it holds no data.
  pub('GET', '*'),
  // Open311 is a public standard: reads are public, POST needs an api_key (checked by the route).
  pub('GET', '/open311/v2/services.json'),
  pub('GET', '/open311/v2/services/:code.json'),
  pub('GET', '/open311/v2/requests.json'),
  pub('POST', '/open311/v2/requests.json'),
  pub('GET', '/open311/v2/requests/:id.json'),

  pub('POST', '/api/auth/login'),
  // Signing out works with any cookie, valid or not, so a stale tab can always clear itself.
  pub('POST', '/api/auth/logout'),
  r('GET', '/api/auth/me', 'session.self'),

  { method: 'POST', path: '/api/ingest/events', access: 'apiKeyOrSession', permission: 'ingest.create' },
  r('POST', '/api/photos', 'photo.create'),
  r('GET', '/api/photos/:id', 'photo.read'),

  r('GET', '/api/incidents', 'incident.read'),
  r('POST', '/api/incidents', 'incident.create'),
  r('GET', '/api/incidents/:id', 'incident.read'),
  r('GET', '/api/incidents/:id/recommendations', 'incident.advise'),
  r('GET', '/api/incidents/:id/duplicates', 'incident.advise'),
  r('POST', '/api/incidents/:id/actions', 'incident.command'),
  r('POST', '/api/incidents/:id/callers/reveal', 'caller.reveal'),
  r('GET', '/api/tasks', 'task.read'),
  r('POST', '/api/tasks/:id/actions', 'task.command'),

  r('GET', '/api/city', 'reference.read'),
  r('GET', '/api/geo/districts', 'reference.read'),
  r('GET', '/api/geo/grids', 'reference.read'),
  r('GET', '/api/map/style.json', 'reference.read'),
  r('GET', '/api/categories', 'reference.read'),
  r('GET', '/api/units', 'unit.read'),
  r('POST', '/api/units/:id/position', 'unit.position'),
  r('GET', '/api/sensors', 'sensor.read'),
  r('GET', '/api/sensors/:id/readings', 'sensor.read'),
  r('POST', '/api/alarms/:id/acknowledge', 'alarm.acknowledge'),
  r('GET', '/api/metrics/summary', 'metrics.read'),
  r('GET', '/api/metrics/timeseries', 'metrics.read'),
  r('GET', '/api/metrics/table', 'metrics.read'),
  r('GET', '/api/metrics/export.csv', 'metrics.export'),
  r('GET', '/api/hotspots', 'metrics.read'),
  r('GET', '/api/deadline-requests', 'deadline.read'),
  r('POST', '/api/incidents/:id/deadline-requests', 'deadline.request'),
  r('POST', '/api/deadline-requests/:id/decision', 'deadline.decide'),
  r('POST', '/api/incidents/:id/resume', 'deadline.decide'),
  r('GET', '/api/admin/deadline-profiles', 'deadline.manage'),
  r('PUT', '/api/admin/deadline-profiles', 'deadline.manage'),
  r('GET', '/api/audit', 'audit.read'),

  r('GET', '/api/admin/users', 'user.manage'),
  r('POST', '/api/admin/users', 'user.manage'),
  r('PATCH', '/api/admin/users/:id', 'user.manage'),
  r('POST', '/api/admin/users/:id/password', 'user.manage'),
  r('GET', '/api/admin/api-keys', 'apikey.manage'),
  r('POST', '/api/admin/api-keys', 'apikey.manage'),
  r('DELETE', '/api/admin/api-keys/:id', 'apikey.manage'),
  r('GET', '/api/admin/sessions', 'session.manage'),
  r('DELETE', '/api/admin/sessions/:id', 'session.manage'),
];

/** Every client → server socket event, and the permission it needs. Unknown events are dropped. */
export const SOCKET_POLICY: Readonly<Record<string, Permission>> = {
  resume: 'live.subscribe',
  'presence:view': 'presence.view',
};

/** Does an Express-style pattern match a concrete path? `:x` is one segment; a trailing `*` the rest. */
export function pathMatches(pattern: string, path: string): boolean {
  if (pattern === '*') return true;
  const want = pattern.split('/');
  const got = path.split('/');
  for (let i = 0; i < want.length; i += 1) {
    const w = want[i]!;
    if (w === '*' && i === want.length - 1) return true;
    const g = got[i];
    if (g === undefined) return false;
    if (w.startsWith(':')) {
      // `:code.json`: a parameter followed by a literal suffix within the segment.
      const dot = w.indexOf('.');
      if (dot > 0) {
        const suffix = w.slice(dot);
        if (!g.endsWith(suffix) || g.length === suffix.length) return false;
      } else if (g === '') return false;
      continue;
    }
    if (w !== g) return false;
  }
  return want.length === got.length;
}

/** The most specific policy row for a request (the catch-all `*` last), or undefined. */
export function routePolicyFor(method: string, path: string): RoutePolicy | undefined {
  const m = method === 'HEAD' ? 'GET' : method;
  let fallback: RoutePolicy | undefined;
  for (const row of ROUTE_POLICY) {
    if (row.method !== m) continue;
    if (row.path === '*') {
      fallback = row;
      continue;
    }
    if (pathMatches(row.path, path)) return row;
  }
  return path.startsWith('/api/') ? undefined : fallback;
}
