// "Also viewing": which desk users have which incident open, so two dispatchers see each other
// before they both act. Held in memory per node; a viewer leaves when their socket does.

import type { Presence } from '../../shared/protocol/changes.ts';
import type { User } from '../../shared/domain/types.ts';
import type { LiveNamespace, LiveSocket } from './liveHub.ts';
import { roomOf } from './scope.ts';

const DESK_ROLES = new Set(['dispatcher', 'supervisor', 'operator']);
const ID = /^[A-Za-z0-9-]{1,64}$/;

export class PresenceTracker {
  private readonly viewing = new Map<string, Map<string, User>>();
  private readonly bySocket = new Map<string, string>();

  constructor(private readonly nsp: LiveNamespace) {}

  attach(socket: LiveSocket): void {
    const user = socket.data.user;
    if (!DESK_ROLES.has(user.role)) return;
    socket.on('presence:view', (request) => {
      const incidentId = (request as { incidentId?: unknown } | null)?.incidentId;
      if (incidentId !== null && (typeof incidentId !== 'string' || !ID.test(incidentId))) return;
      this.view(socket.id, user, incidentId);
    });
    socket.on('disconnect', () => this.view(socket.id, user, null));
  }

  private view(socketId: string, user: User, incidentId: string | null): void {
    const previous = this.bySocket.get(socketId);
    if (previous === incidentId) return;
    if (previous) {
      this.viewing.get(previous)?.delete(socketId);
      if (this.viewing.get(previous)?.size === 0) this.viewing.delete(previous);
      this.bySocket.delete(socketId);
      this.announce(previous);
    }
    if (incidentId) {
      let viewers = this.viewing.get(incidentId);
      if (!viewers) this.viewing.set(incidentId, (viewers = new Map()));
      viewers.set(socketId, user);
      this.bySocket.set(socketId, incidentId);
      this.announce(incidentId);
    }
  }

  viewersOf(incidentId: string): Presence['viewers'] {
    const unique = new Map<string, string>();
    for (const user of this.viewing.get(incidentId)?.values() ?? []) unique.set(user.id, user.displayName);
    return [...unique].map(([userId, displayName]) => ({ userId, displayName }));
  }

  private announce(incidentId: string): void {
    this.nsp.local.to(roomOf({ kind: 'city' })).emit('presence', { incidentId, viewers: this.viewersOf(incidentId) });
  }
}
