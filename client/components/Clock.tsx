import { useEffect, useState } from 'react';
import { selectLocale, selectTimeZone, useAppStore } from '../store/cityStore.ts';

export function Clock() {
  const locale = useAppStore(selectLocale);
  const timeZone = useAppStore(selectTimeZone);
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  const date = new Intl.DateTimeFormat(locale, { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).format(now);
  const time = new Intl.DateTimeFormat(locale, { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(now);
  return (
    <div className="clock">
      <span className="clock__time">{time}</span>
      <span className="clock__date">{date}</span>
    </div>
  );
}
