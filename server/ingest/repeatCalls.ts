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

function cellOf([lon, lat]: LonLat): [number, number] {
  return [Math.floor(lon / CELL_DEG), Math.floor(lat / CELL_DEG)];
}

export class RepeatCallIndex {
  private readonly entries = new Map<string, Entry>();
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
    this.entries.set(id, { id, location, category, text, createdAt, status, parentId });
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
    const candidates: Entry[] = [];
    for (let dx = -reach; dx <= reach; dx += 1) {
      for (let dy = -reach; dy <= reach; dy += 1) {
        for (const id of this.cells.get(`${cx + dx}:${cy + dy}`) ?? []) {
          const entry = this.entries.get(id)!;
          if (Date.parse(entry.createdAt) >= oldest) candidates.push(entry);
          else this.remove(id);
        }
      }
    }
    const [lon, lat] = subject.location;
    const nearest =
      candidates.length <= MAX_CANDIDATES
        ? candidates
        : candidates
            .map((c) => ({ c, d: Math.abs(c.location![0] - lon) + Math.abs(c.location![1] - lat) }))
            .sort((a, b) => a.d - b.d)
            .slice(0, MAX_CANDIDATES)
            .map((x) => x.c);
    const [best] = scoreDuplicates(subject, nearest, radiusM, this.windowMs);
    return best && best.score >= threshold ? { incidentId: best.incidentId, score: best.score } : null;
  }
}
