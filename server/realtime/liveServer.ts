// The Socket.IO side: the /live namespace, authenticated by the session cookie at the handshake,
// websocket-only (no sticky sessions needed), permessage-deflate off (it costs CPU per frame).

import type http from 'node:http';
import { Server, type ServerOptions } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '../../shared/protocol/changes.ts';
import { LIVE_NAMESPACE } from '../../shared/protocol/changes.ts';
import type { AuthService } from '../services/auth.ts';
import { sessionToken } from '../http/session.ts';
import type { LiveNamespace, LiveSocket } from './liveHub.ts';

/** `adapter`: Socket.IO's Redis adapter when several nodes share the work (REDIS_URL). */
export function createLiveServer(httpServer: http.Server, auth: AuthService, adapter?: ServerOptions['adapter']): { io: Server; nsp: LiveNamespace } {
  const io = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, {
    ...(adapter ? { adapter } : {}),
    transports: ['websocket'],
    perMessageDeflate: false,
    maxHttpBufferSize: 64 * 1024,
    serveClient: false,
  });
  const nsp = io.of(LIVE_NAMESPACE) as LiveNamespace;
  nsp.use((socket, next) => {
    auth
      .userForToken(sessionToken(socket.handshake.headers.cookie), new Date())
      .then((user) => {
        if (!user) return next(new Error('unauthorized'));
        (socket as LiveSocket).data.user = user;
        next();
      })
      .catch(() => next(new Error('unauthorized')));
  });
  // Connections to the default namespace carry nothing; refuse them outright.
  io.of('/').use((_socket, next) => next(new Error('use the /live namespace')));
  return { io, nsp };
}
