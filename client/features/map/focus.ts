// Pure: which incidents should pull the big screen's camera. A new critical incident does; one
// already known when the screen started (or when a snapshot replaced the picture) does not.

import type { Incident } from '../../../shared/domain/types.ts';
import { isOpen } from '../../../shared/domain/incidentMachine.ts';

export function newCriticals(previous: Record<string, Incident>, next: Record<string, Incident>, previousSeq: number): Incident[] {
  // Before the first snapshot everything is "new": nothing to announce.
  if (previousSeq === 0 || previous === next) return [];
  const out: Incident[] = [];
  for (const [id, incident] of Object.entries(next)) {
    if (incident.severity !== 'critical' || !incident.location || !isOpen(incident.status)) continue;
    const before = previous[id];
    // New to this screen, or just raised to critical.
    if (!before || before.severity !== 'critical') out.push(incident);
  }
  return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** How long the camera stays on a new critical incident before it returns. */
export const FOCUS_MS = 12_000;
