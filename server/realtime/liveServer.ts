// The Socket.IO side: the /live namespace, authenticated by the session cookie at the handshake,
// websocket-only (no sticky sessions needed), permessage-deflate off (it costs CPU per frame).
// Browsers must come from an allowed origin; every incoming event is checked against the policy
// table and the session is re-checked, so a revoked session can neither act nor listen; the
// server alone places sockets in rooms. Connection-state recovery is not used: a reconnect is a
// new handshake and authenticates again.

import type http from 'node:http';
import { Server, type ServerOptions, type Socket } from 'socket.io';
import type { Logger } from 'pino';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/changes.ts';
import { LIVE_NAMESPACE } from '../../shared/protocol/changes.ts';
import { SOCKET_POLICY, grantOf } from '../../shared/security/policy.ts';
import type { AuthService } from '../services/auth.ts';
import { sessionToken } from '../http/session.ts';
import { originAllowed } from '../http/security.ts';
import type { LiveNamespace, LiveSocket } from './liveHub.ts';

export const MAX_SOCKET_MESSAGE_BYTES = 16 * 1024;
/** How often open sockets are re-checked against their sessions (idle and absolute expiry). */
export const SESSION_SWEEP_MS = 15_000;

/** How many data arguments each event takes before its optional ack; the rest is trimmed or padded. */
const EVENT_ARITY: Readonly<Record<string, number>> = { resume: 1, 'presence:view': 1 };

export const userRoom = (userId: string) => `user:${userId}`;
export const sessionRoom = (sessionId: string) => `session:${sessionId}`;

export interface LiveServerOptions {
  allowedOrigins: readonly string[];
  logger?: Logger;
  /** How often open sockets are re-checked against their sessions (default SESSION_SWEEP_MS). */
  sweepMs?: number;
  /** Socket.IO's Redis adapter when several nodes share the work (REDIS_URL). */
  adapter?: ServerOptions['adapter'];
}

function handshakeOrigin(req: http.IncomingMessage): string {
  const forwarded = req.headers['x-forwarded-proto'];
  const tls = (req.socket as { encrypted?: boolean }).encrypted === true;
  // Only the scheme is taken from the request; the host must match the Origin exactly.
  const scheme = tls ? 'https' : typeof forwarded === 'string' && forwarded === 'https' ? 'https' : 'http';
  return `${scheme}://${req.headers.host ?? ''}`;
}

export function createLiveServer(
  httpServer: http.Server,
  auth: AuthService,
  options: LiveServerOptions = { allowedOrigins: [] },
): { io: Server; nsp: LiveNamespace; close(): void } {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    ...(options.adapter ? { adapter: options.adapter } : {}),
    transports: ['websocket'],
    perMessageDeflate: false,
    maxHttpBufferSize: MAX_SOCKET_MESSAGE_BYTES,
    serveClient: false,
    // A browser names its page's origin; a foreign one is refused before the upgrade.
    allowRequest: (req, callback) => {
      const origin = req.headers.origin;
      if (origin === undefined || originAllowed(origin, handshakeOrigin(req), options.allowedOrigins)) return callback(null, true);
      options.logger?.warn({ origin }, 'live handshake from a foreign origin refused');
      callback('origin not allowed', false);
    },
  });
  const nsp = io.of(LIVE_NAMESPACE) as LiveNamespace;
  const tokens = new WeakMap<Socket, string>();

  nsp.use((socket, next) => {
    const token = sessionToken(socket.handshake.headers.cookie);
    auth
      .sessionFor(token, new Date())
      .then((found) => {
        if (!found || !token) return next(new Error('unauthorized'));
        (socket as LiveSocket).data.user = found.user;
        tokens.set(socket, token);
        // Rooms for revocation; scope rooms are joined by the hub once the client is up to date.
        void socket.join([userRoom(found.user.id), sessionRoom(found.session.id)]);
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });

  nsp.on('connection', (socket) => {
    // Every incoming event: known to the policy table, allowed for the role, session still valid.
    socket.use((packet, next) => {
      const [event, ...args] = packet as [string, ...unknown[]];
      const ack = typeof args[args.length - 1] === 'function' ? (args[args.length - 1] as (r: unknown) => void) : null;
      // Normalise the shape handlers see: exactly their data arguments, then the ack if any.
      const arity = EVENT_ARITY[event];
      if (arity !== undefined) {
        const data = (ack ? args.slice(0, -1) : args).slice(0, arity);
        while (data.length < arity) data.push(undefined);
        packet.splice(1, packet.length - 1, ...data, ...(ack ? [ack] : []));
      }
      const permission = SOCKET_POLICY[event];
      const user = (socket as LiveSocket).data.user;
      if (!permission || !grantOf(user.role, permission)) {
        ack?.({ ok: false, code: permission ? 'forbidden' : 'bad_request', message: permission ? `role ${user.role} may not ${permission}` : `unknown event ${String(event).slice(0, 64)}` });
        return;
      }
      auth
        .sessionFor(tokens.get(socket), new Date())
        .then((found) => {
          if (!found) {
            ack?.({ ok: false, code: 'unauthorized', message: 'session ended' });
            socket.disconnect(true);
            return;
          }
          next();
        })
        .catch(() => socket.disconnect(true));
    });
  });

  // Sessions ended elsewhere (logout, disabled user, role change): their sockets close at once.
  auth.onRevoke((r) => {
    const room = 'userId' in r ? userRoom(r.userId) : sessionRoom(r.sessionId);
    nsp.in(room).disconnectSockets(true);
  });

  // Sessions also lapse on their own (idle or absolute limit): sweep the open sockets.
  const sweep = setInterval(() => {
    for (const socket of nsp.sockets.values()) {
      void auth
        .sessionFor(tokens.get(socket), new Date())
        .then((found) => {
          if (!found) socket.disconnect(true);
        })
        .catch(() => undefined);
    }
  }, options.sweepMs ?? SESSION_SWEEP_MS);
  sweep.unref();

  // Connections to the default namespace carry nothing; refuse them outright.
  io.of('/').use((_socket, next) => next(new Error('use the /live namespace')));
  return { io, nsp, close: () => clearInterval(sweep) };
}
