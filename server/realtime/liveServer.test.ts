// The live server on its own: sockets whose session lapses while they are open (idle timeout)
// are closed by the sweep; a kiosk account's are not; the old cookie cannot reconnect.

import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { LIVE_NAMESPACE } from '../../shared/protocol/changes.ts';
import { SqliteStore } from '../store/SqliteStore.ts';
import { AuthService } from '../services/auth.ts';
import { createLiveServer } from './liveServer.ts';
import { SESSION_COOKIE } from '../http/session.ts';

describe('live sockets follow their sessions', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'city-live-'));
  const store = new SqliteStore(path.join(dir, 'city.db'));
  // A short idle timeout, so the sweep has something to find within the test.
  const auth = new AuthService(store, { idleTimeoutMs: 400 });
  const httpServer = http.createServer();
  const live = createLiveServer(httpServer, auth, { allowedOrigins: [], sweepMs: 100 });
  let url = '';
  const sockets: Socket[] = [];

  beforeAll(async () => {
    const now = new Date().toISOString();
    await auth.createUser({ username: 'desk', password: 'pw-desk-1', role: 'dispatcher', displayName: 'Desk' }, now);
    await auth.createUser({ username: 'wall', password: 'pw-wall-1', role: 'operator', displayName: 'Wall', kiosk: true }, now);
    await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(httpServer.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    for (const s of sockets) s.close();
    live.close();
    await new Promise<void>((resolve) => live.io.close(() => resolve()));
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const connect = (token: string) => {
    const socket = io(`${url}${LIVE_NAMESPACE}`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie: `${SESSION_COOKIE}=${token}` } });
    sockets.push(socket);
    return socket;
  };
  const signIn = async (username: string, password: string) => {
    const result = await auth.login(username, password, new Date(), { address: 'test' });
    if (!result.ok) throw new Error('sign-in failed');
    return result.token;
  };

  it('closes an idle desk session’s socket, keeps the kiosk’s, and refuses the old cookie', async () => {
    const deskToken = await signIn('desk', 'pw-desk-1');
    const wallToken = await signIn('wall', 'pw-wall-1');
    const desk = connect(deskToken);
    const wall = connect(wallToken);
    await Promise.all([desk, wall].map((s) => new Promise<void>((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)))));
    const reason = await new Promise<string>((resolve) => desk.once('disconnect', resolve));
    expect(reason).toBe('io server disconnect');
    expect(wall.connected).toBe(true);
    const again = connect(deskToken);
    const error = await new Promise<Error>((resolve) => again.once('connect_error', resolve));
    expect(error.message).toBe('unauthorized');
  });
});
