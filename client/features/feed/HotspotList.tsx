// Hotspots (每月一题) when the server offers them; absent (not an error) where it does not.

import { useEffect, useState } from 'react';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { selectCategories, selectLocale, useAppStore } from '../../store/cityStore.ts';
import { formatNumber } from '../kpis/kpiFormat.ts';
import { parseHotspots, type Hotspot } from './hotspots.ts';

const REFRESH_MS = 60_000;

export function HotspotList() {
  const t = useT();
  const locale = useAppStore(selectLocale);
  const categories = useAppStore(selectCategories);
  const [items, setItems] = useState<Hotspot[] | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = async () => {
      try {
        const res = await fetch('/api/hotspots', { credentials: 'same-origin' });
        // 404: this server has no hotspots yet. Hide the panel and stop asking.
        if (res.status === 404) {
          if (!stopped) setItems(null);
          return;
        }
        if (res.ok && !stopped) setItems(parseHotspots(await res.json()));
      } catch {
        // Offline: keep what is shown; the connection banner already says the data is stale.
      }
      if (!stopped) timer = setTimeout(() => void load(), REFRESH_MS);
    };
    void load();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, []);

  if (!items) return null;
  return (
    <section className="panel hotspots" data-testid="hotspots">
      <h2 className="panel__title">{t('hotspots.title')}</h2>
      {items.length === 0 ? (
        <p className="feed__empty">{t('hotspots.empty')}</p>
      ) : (
        <ol className="hotspots__list">
          {items.map((h) => {
            const c = h.category ? categories[h.category] : undefined;
            return (
              <li key={`${h.gridId}:${h.category ?? ''}`} className="hotspots__item">
                <span className="hotspots__grid">{h.gridId}</span>
                <span className="hotspots__what">{c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : t('chart.uncategorised')}</span>
                <span className="hotspots__count">{formatNumber(h.count, locale)}</span>
                <span className={`hotspots__trend hotspots__trend--${h.trend}`}>{t(`hotspots.trend.${h.trend}` as MessageKey)}</span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
