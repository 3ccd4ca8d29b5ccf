// Repeated calls (重复来电): an in-memory index of the open incidents of the last day, bucketed
// by ~500 m cells, so each incoming call can be compared with the few cases near it. The scoring
// itself is the shared duplicate rule; this only finds the candidates fast.

import type { Change } from '../../shared/protocol/changes.ts';
import { DEFAULT_DUPLICATE_WINDOW_MS, scoreDuplicates } from '../../shared/domain/duplicates.ts';
import { isOpen } from '../../shared/domain/incidentMachine.ts';
import type { Incident, LonLat } from '../../shared/domain/types.ts';

const CELL_DEG = 0.005;
/** Only the nearest few open cases are scored: a repeat is about the same spot, not the same block. */
const MAX_CANDIDATES = 16;

type Entry = Pick<Incident, 'id' | 'location' | 'category' | 'text' | 'createdAt' | 'status' | 'parentId'>;
/** An entry with its creation time parsed once, not once per call that looks at it. */
type Indexed = Entry & { createdMs: number };

function cellOf([lon, lat]: LonLat): [number, number] {
  return [Math.floor(lon / CELL_DEG), Math.floor(lat / CELL_DEG)];
}

export class RepeatCallIndex {
  private readonly entries = new Map<string, Indexed>();
  private readonly cells = new Map<string, Set<string>>();

  constructor(private readonly windowMs = DEFAULT_DUPLICATE_WINDOW_MS) {}

  get size(): number {
    return this.entries.size;
  }

  /** Keep the index in step with committed incident changes. */
  observe(changes: readonly Change[]): void {
    for (const change of changes) if (change.type === 'incident') this.put(change.incident);
  }

  put(incident: Incident): void {
    this.remove(incident.id);
    if (!incident.location || !isOpen(incident.status) || incident.parentId !== null) return;
    const { id, location, category, text, createdAt, status, parentId } = incident;
    this.entries.set(id, { id, location, category, text, createdAt, status, parentId, createdMs: Date.parse(createdAt) });
    const key = cellOf(location).join(':');
    let cell = this.cells.get(key);
    if (!cell) this.cells.set(key, (cell = new Set()));
    cell.add(id);
  }

  private remove(id: string): void {
    const old = this.entries.get(id);
    if (!old?.location) return;
    this.entries.delete(id);
    const key = cellOf(old.location).join(':');
    this.cells.get(key)?.delete(id);
  }

  /** The best open incident this report repeats, if it scores at least `threshold`. */
  bestMatch(subject: Entry, radiusM: number, threshold: number): { incidentId: string; score: number } | null {
    if (!subject.location) return null;
    const [cx, cy] = cellOf(subject.location);
    const reach = Math.max(1, Math.ceil(radiusM / 400));
    const oldest = Date.parse(subject.createdAt) - this.windowMs;
    const [lon, lat] = subject.location;
    // A box around the radius: whatever lies outside it cannot score, so it never takes a slot.
    const maxDLat = radiusM / 111_320;
    const maxDLon = radiusM / (111_320 * Math.cos((lat * Math.PI) / 180));
    // The nearest few, kept in order as they are found (no sort of a busy block's hundreds of cases).
    const nearest: { entry: Indexed; d: number }[] = [];
    const expired: string[] = [];
    for (let dx = -reach; dx <= reach; dx += 1) {
      for (let dy = -reach; dy <= reach; dy += 1) {
        for (const id of this.cells.get(`${cx + dx}:${cy + dy}`) ?? []) {
          const entry = this.entries.get(id)!;
          if (entry.createdMs < oldest) {
            expired.push(id);
            continue;
          }
          const ddLon = Math.abs(entry.location![0] - lon);
          const ddLat = Math.abs(entry.location![1] - lat);
          if (ddLon > maxDLon || ddLat > maxDLat) continue;
          const d = ddLon + ddLat;
          if (nearest.length === MAX_CANDIDATES && d >= nearest[MAX_CANDIDATES - 1]!.d) continue;
          let at = nearest.length === MAX_CANDIDATES ? MAX_CANDIDATES - 1 : nearest.length;
          while (at > 0 && nearest[at - 1]!.d > d) at -= 1;
          nearest.splice(at, 0, { entry, d });
          if (nearest.length > MAX_CANDIDATES) nearest.pop();
        }
      }
    }
    for (const id of expired) this.remove(id);
    const [best] = scoreDuplicates(subject, nearest.map((n) => n.entry), radiusM, this.windowMs);
    return best && best.score >= threshold ? { incidentId: best.incidentId, score: best.score } : null;
  }
}
