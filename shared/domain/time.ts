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

function parts(iso: string, timeZone: string): Record<string, number> {
  const fmt = formatFor(timeZone);
  const out: Record<string, number> = {};
  for (const p of fmt.formatToParts(new Date(iso))) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** Offset of the zone from UTC at that instant, in minutes (Chicago in winter: -360). */
export function zoneOffsetMinutes(iso: string, timeZone: string): number {
  const p = parts(iso, timeZone);
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  const instant = Math.floor(Date.parse(iso) / 1000) * 1000;
  return Math.round((asUtc - instant) / 60_000);
}

/** The instant local midnight began on the local day containing `iso`. */
export function localDayStart(iso: string, timeZone: string): string {
  const p = parts(iso, timeZone);
  const guess = Date.UTC(p.year!, p.month! - 1, p.day!) - zoneOffsetMinutes(iso, timeZone) * 60_000;
  // Re-check the offset at the guess: a DST change during the day moves midnight by an hour.
  const offset = zoneOffsetMinutes(new Date(guess).toISOString(), timeZone);
  return new Date(Date.UTC(p.year!, p.month! - 1, p.day!) - offset * 60_000).toISOString();
}

/** Local date as YYYYMMDD, used in human case codes. */
export function localDateCode(iso: string, timeZone: string): string {
  const p = parts(iso, timeZone);
  return `${p.year}${String(p.month).padStart(2, '0')}${String(p.day).padStart(2, '0')}`;
}

export function localHour(iso: string, timeZone: string): number {
  return parts(iso, timeZone).hour!;
}

/** Median of a list, or null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
