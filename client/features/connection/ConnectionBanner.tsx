import { useEffect, useState } from 'react';
import { selectLocale, selectTimeZone, useAppStore } from '../../store/cityStore.ts';
import { staleMessage } from './staleness.ts';

/** Says plainly, and counts up, how long the screen's data has been stale. */
export function ConnectionBanner() {
  // Only the moment data stopped: the connection slice itself is replaced on every flush.
  const since = useAppStore((s) => s.connection.disconnectedAt);
  const locale = useAppStore(selectLocale);
  const timeZone = useAppStore(selectTimeZone);
  const [now, setNow] = useState(() => Date.now());

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
