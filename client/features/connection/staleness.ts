// Pure: how to say how long the data has been stale, in the reader's language.

import { translate, type Locale } from '../../../shared/i18n/index.ts';
import { formatTime } from '../kpis/kpiFormat.ts';

export function formatDuration(ms: number, locale: Locale): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60) return translate(locale, 'duration.seconds', { n: seconds });
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return translate(locale, 'duration.minutes', { n: minutes });
  return translate(locale, 'duration.hours', { n: Math.floor(minutes / 60) });
}

export function staleMessage(since: number, now: number, locale: Locale, timeZone: string): string {
  const time = formatTime(new Date(since).toISOString(), locale, timeZone);
  return translate(locale, 'connection.lost', { time, ago: formatDuration(now - since, locale) });
}
