// A city table by id that can be "copied" for the cost of what changed. A screen's store holds
// tens of thousands of incidents and replaces the table whenever one of them changes (readers
// compare references to know what moved); copying a plain object or Map of 10k entries took 2–5 ms
// of the 4 ms a flush may use here. The entries live in a fixed number of chunks chosen by a hash
// of the id: a new version copies only the chunks its changes fall in and shares the rest.

/** What readers of a table use: the parts of a ReadonlyMap the screens need. A Map is one too. */
export interface Table<T> extends Iterable<[string, T]> {
  readonly size: number;
  get(id: string): T | undefined;
  has(id: string): boolean;
  keys(): Iterable<string>;
  values(): Iterable<T>;
  entries(): Iterable<[string, T]>;
  /**
   * Each entry, as Map#forEach calls it. What the screens use to walk a whole table every second:
   * iterating allocates an object per entry (an array too, for entries), and on a wall that is
   * megabytes of garbage a minute, whose collection stops the page wherever it lands.
   */
  forEach(fn: (entry: T, id: string) => void): void;
}

/** 64 chunks: a 10k-entry table copies ~160 entries per touched chunk; 100k, ~1,600. */
const CHUNK_BITS = 6;
const CHUNK_MASK = (1 << CHUNK_BITS) - 1;

function chunkOf(id: string): number {
  // FNV-1a: cheap, and spreads sequential ids (INC-1, INC-2, …) over the chunks.
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i += 1) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return (h >>> 0) & CHUNK_MASK;
}

export class PersistentTable<T> implements Table<T> {
  private constructor(
    private readonly chunks: Map<string, T>[],
    private count: number,
  ) {}

  static from<T>(entries: Iterable<[string, T]>): PersistentTable<T> {
    const table = new PersistentTable<T>(Array.from({ length: CHUNK_MASK + 1 }, () => new Map<string, T>()), 0);
    for (const [id, entry] of entries) table.put(id, entry);
    return table;
  }

  get size(): number {
    return this.count;
  }

  get(id: string): T | undefined {
    return this.chunks[chunkOf(id)]!.get(id);
  }

  has(id: string): boolean {
    return this.chunks[chunkOf(id)]!.has(id);
  }

  /** A new version with `changes` written; this one is unchanged and shares the untouched chunks. */
  with(changes: ReadonlyMap<string, T>): PersistentTable<T> {
    const next = this.nextVersion();
    changes.forEach((entry, id) => {
      const chunk = next.own(chunkOf(id));
      if (!chunk.has(id)) next.table.count += 1;
      chunk.set(id, entry);
    });
    return next.table;
  }

  /** A new version without `ids` (unknown ids are ignored); this one is unchanged. */
  without(ids: Iterable<string>): PersistentTable<T> {
    const next = this.nextVersion();
    for (const id of ids) {
      const c = chunkOf(id);
      // An id this version lacks copies nothing.
      if (!this.chunks[c]!.has(id)) continue;
      if (next.own(c).delete(id)) next.table.count -= 1;
    }
    return next.table;
  }

  /** A new version sharing every chunk, and `own(c)`: its chunk c, copied the first time it is asked for. */
  private nextVersion(): { table: PersistentTable<T>; own(c: number): Map<string, T> } {
    const table = new PersistentTable(this.chunks.slice(), this.count);
    const copied = new Set<number>();
    return {
      table,
      own(c) {
        if (!copied.has(c)) {
          table.chunks[c] = new Map(table.chunks[c]);
          copied.add(c);
        }
        return table.chunks[c]!;
      },
    };
  }

  private put(id: string, entry: T): void {
    const chunk = this.chunks[chunkOf(id)]!;
    if (!chunk.has(id)) this.count += 1;
    chunk.set(id, entry);
  }

  forEach(fn: (entry: T, id: string) => void): void {
    for (const chunk of this.chunks) chunk.forEach(fn);
  }

  *entries(): IterableIterator<[string, T]> {
    for (const chunk of this.chunks) yield* chunk.entries();
  }

  *keys(): IterableIterator<string> {
    for (const chunk of this.chunks) yield* chunk.keys();
  }

  *values(): IterableIterator<T> {
    for (const chunk of this.chunks) yield* chunk.values();
  }

  [Symbol.iterator](): IterableIterator<[string, T]> {
    return this.entries();
  }
}
