import { useEffect, useRef } from 'react';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { perf, recordSample } from '../perf/perfProbe.ts';
import { useT } from '../../i18n/useT.ts';
import { selectCategories, selectDistricts, selectFeed, selectLocale, selectTimeZone, useAppStore } from '../../store/cityStore.ts';
import type { FeedItem } from './feedItems.ts';
import { formatTime } from '../kpis/kpiFormat.ts';

export function LiveFeed() {
  const t = useT();
  const feed = useAppStore(selectFeed);
  const locale = useAppStore(selectLocale);
  const categories = useAppStore(selectCategories);
  const districts = useAppStore(selectDistricts);
  const timeZone = useAppStore(selectTimeZone);
  const seen = useRef(new Set<string>());
  // Benchmark only: server time of each new feed entry to the frame that first shows it.
  useEffect(() => {
    if (!perf()) return;
    const fresh = feed.filter((item) => !seen.current.has(item.key));
    if (seen.current.size > 5000) seen.current.clear();
    for (const item of feed) seen.current.add(item.key);
    if (fresh.length === 0) return;
    requestAnimationFrame(() => {
      const now = Date.now();
      for (const item of fresh) recordSample('feedPaint', now - Date.parse(item.at));
    });
  }, [feed]);
  const place = (item: FeedItem) => {
    const d = item.districtId ? districts[item.districtId] : undefined;
    return d ? (locale === 'zh-CN' ? d.nameZh : d.name) : t('feed.unlocated');
  };
  const category = (item: FeedItem) => {
    const c = item.category ? categories[item.category] : undefined;
    return c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : item.title;
  };
  return (
    <section className="panel feed">
      <h2 className="panel__title">{t('feed.title')}</h2>
      {feed.length === 0 ? (
        <p className="feed__empty">{t('feed.empty')}</p>
      ) : (
        <ol className="feed__list" data-testid="live-feed">
          {feed.map((item) => (
            <li key={item.key} className={`feed__item feed__item--${item.severity}`} data-testid="feed-item" data-incident-id={item.incidentId} data-status={item.status}>
              <span className="feed__time">{formatTime(item.at, locale, timeZone)}</span>
              <span className={`feed__badge badge--${item.severity}`}>{t(`severity.${item.severity}` as MessageKey)}</span>
              <span className="feed__what">{category(item)}</span>
              <span className="feed__where">{place(item)}</span>
              <span className="feed__status">{item.created ? t('feed.created') : t(`status.${item.status}` as MessageKey)}</span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
