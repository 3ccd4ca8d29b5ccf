// Pure: which incidents should pull the big screen's camera. A new critical incident does (or one
// just raised to critical); one already known when the screen started, or brought back by a
// snapshot after a reconnect, does not. Reads the live feed (the newest changes, a few dozen)
// rather than the whole city, so it costs nothing per store flush.

import type { Incident } from '../../../shared/domain/types.ts';
import { isOpen } from '../../../shared/domain/incidentMachine.ts';
import type { FeedItem } from '../feed/feedItems.ts';
import type { Table } from '../../../shared/domain/cityReducer.ts';

/** A feed entry older than this is history, not news (e.g. replayed by a snapshot). */
export const NEWS_MS = 120_000;

export function newCriticals(previousFeed: readonly FeedItem[], feed: readonly FeedItem[], previousIncidents: Table<Incident>, incidents: Table<Incident>, now: number): Incident[] {
  if (feed === previousFeed || previousFeed.length === 0) return [];
  const stop = previousFeed[0]!.key;
  const out: Incident[] = [];
  for (const item of feed) {
    if (item.key === stop) break;
    if (item.severity !== 'critical' || now - Date.parse(item.at) > NEWS_MS) continue;
    const incident = incidents.get(item.incidentId);
    if (!incident || incident.severity !== 'critical' || !incident.location || !isOpen(incident.status)) continue;
    const before = previousIncidents.get(item.incidentId);
    if (before && before.severity === 'critical') continue;
    if (!out.includes(incident)) out.push(incident);
  }
  return out.reverse();
}

/** How long the camera stays on a new critical incident before it returns. */
export const FOCUS_MS = 12_000;
