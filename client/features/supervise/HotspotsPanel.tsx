// 每月一题: the grid × category pairs with the most repeated complaints over 30 days, with trend.

import { useEffect, useState } from 'react';
import type { Hotspot } from '../../../shared/domain/evaluation.ts';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { api } from '../../api/http.ts';
import { useT } from '../../i18n/useT.ts';
import { selectCategories, selectDistricts, selectLocale, useAppStore } from '../../store/cityStore.ts';

const ARROW = { up: '▲', down: '▼', flat: '■' } as const;

export function HotspotsPanel() {
  const t = useT();
  const locale = useAppStore(selectLocale);
  const categories = useAppStore(selectCategories);
  const districts = useAppStore(selectDistricts);
  const [items, setItems] = useState<Hotspot[]>([]);
  useEffect(() => {
    let live = true;
    api
      .get<{ items: Hotspot[] }>('/api/hotspots')
      .then((r) => live && setItems(r.items))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, []);
  return (
    <section className="panel sv-panel" data-testid="hotspots-panel">
      <h2 className="panel__title">{t('supervise.hotspots')}</h2>
      {items.length === 0 ? (
        <p className="detail__muted">{t('supervise.hotspotsEmpty')}</p>
      ) : (
        <ol className="sv-list">
          {items.map((h) => {
            const c = categories[h.category];
            const d = h.districtId ? districts[h.districtId] : undefined;
            const peak = Math.max(1, ...h.weekly);
            return (
              <li key={`${h.gridId}|${h.category}`} className="sv-row" data-testid="hotspot-item">
                <span className="sv-row__code">{h.gridId}</span>
                <span className="sv-row__what">
                  {c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : h.category}
                  {d ? ` · ${locale === 'zh-CN' ? d.nameZh : d.name}` : ''}
                </span>
                <span className="sv-spark" aria-hidden>
                  {h.weekly.map((n, i) => (
                    <span key={i} style={{ height: `${Math.round((n / peak) * 100)}%` }} />
                  ))}
                </span>
                <span className={`sv-trend sv-trend--${h.trend}`}>
                  {ARROW[h.trend]} {t(`supervise.trend.${h.trend}` as MessageKey)} · {t('supervise.complaints', { n: h.complaints })}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
