// Calendar arithmetic in the city's time zone, with the clock passed in (never read here).

// Building an Intl.DateTimeFormat costs far more than using one: keep one per zone.
const formats = new Map<string, Intl.DateTimeFormat>();

function formatFor(timeZone: string): Intl.DateTimeFormat {
  let fmt = formats.get(timeZone);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formats.set(timeZone, fmt);
  }
  return fmt;
}

/** The zone's offset at an instant, asked of Intl (slow: see `zoneOffsetMinutes`). */
function offsetFromIntl(ms: number, timeZone: string): number {
  const p: Record<string, number> = {};
  for (const part of formatFor(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

// Zones change their offset only at quarter-hour instants, so one Intl answer serves a whole
// quarter hour: deadline arithmetic asks thousands of times a second, and Intl takes microseconds.
const QUARTER_MS = 15 * 60_000;
const MAX_CACHED = 50_000;
const offsets = new Map<string, Map<number, number>>();

/** Offset of the zone from UTC at that instant, in minutes (Chicago in winter: -360). */
export function zoneOffsetMinutes(iso: string, timeZone: string): number {
  const ms = Date.parse(iso);
  const quarter = Math.floor(ms / QUARTER_MS);
  let zone = offsets.get(timeZone);
  if (!zone) offsets.set(timeZone, (zone = new Map()));
  let offset = zone.get(quarter);
  if (offset === undefined) {
    if (zone.size >= MAX_CACHED) zone.clear();
    offset = offsetFromIntl(quarter * QUARTER_MS, timeZone);
    zone.set(quarter, offset);
  }
  return offset;
}

/** Local calendar fields of an instant, from the cached offset. */
function parts(iso: string, timeZone: string): { year: number; month: number; day: number; hour: number } {
  const local = new Date(Date.parse(iso) + zoneOffsetMinutes(iso, timeZone) * 60_000);
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), hour: local.getUTCHours() };
}

/** The instant local midnight began on the local day containing `iso`. */
export function localDayStart(iso: string, timeZone: string): string {
  const p = parts(iso, timeZone);
  const guess = Date.UTC(p.year, p.month - 1, p.day) - zoneOffsetMinutes(iso, timeZone) * 60_000;
  // Re-check the offset at the guess: a DST change during the day moves midnight by an hour.
  const offset = zoneOffsetMinutes(new Date(guess).toISOString(), timeZone);
  return new Date(Date.UTC(p.year, p.month - 1, p.day) - offset * 60_000).toISOString();
}

/** Local date as YYYYMMDD, used in human case codes. */
export function localDateCode(iso: string, timeZone: string): string {
  const p = parts(iso, timeZone);
  return `${p.year}${String(p.month).padStart(2, '0')}${String(p.day).padStart(2, '0')}`;
}

export function localHour(iso: string, timeZone: string): number {
  return parts(iso, timeZone).hour;
}

/** Median of a list, or null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
