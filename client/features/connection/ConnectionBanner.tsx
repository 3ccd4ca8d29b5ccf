import { useEffect, useState } from 'react';
import { selectConnection, selectLocale, selectTimeZone, useAppStore } from '../../store/cityStore.ts';
import { staleMessage } from './staleness.ts';

/** Says plainly, and counts up, how long the screen's data has been stale. */
export function ConnectionBanner() {
  const connection = useAppStore(selectConnection);
  const locale = useAppStore(selectLocale);
  const timeZone = useAppStore(selectTimeZone);
  const [now, setNow] = useState(() => Date.now());
  const since = connection.disconnectedAt;

  useEffect(() => {
    if (since === null) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [since]);

  if (since === null) return null;
  return (
    <div className="banner" role="alert" data-testid="connection-banner">
      {staleMessage(since, Math.max(now, since), locale, timeZone)}
    </div>
  );
}
