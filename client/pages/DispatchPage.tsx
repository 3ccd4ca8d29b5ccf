// The dispatcher console: the live queue on the left, the selected incident on the right,
// keyboard first (J/K to move, T triage, D dispatch the top unit, R reject).

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useLocation, useSearch } from 'wouter';
import type { MessageKey } from '../../shared/i18n/index.ts';
import { IncidentDetail, type DetailActions } from '../features/dispatch/IncidentDetail.tsx';
import { QUEUE_SORTS, filterFromSearch, queueOf, searchFromFilter } from '../features/dispatch/queue.ts';
import { useT } from '../i18n/useT.ts';
import { selectCategories, selectDistricts, selectLocale, useAppStore } from '../store/cityStore.ts';
import { SEVERITIES, type Severity } from '../../shared/domain/types.ts';
import { TopBar } from './TopBar.tsx';
import { DeadlineLight } from '../features/deadlines/DeadlineLight.tsx';

export function DispatchPage() {
  const t = useT();
  const search = useSearch();
  const [, navigate] = useLocation();
  const filter = useMemo(() => filterFromSearch(search), [search]);
  const incidents = useAppStore((s) => s.city.incidents);
  const categories = useAppStore(selectCategories);
  const locale = useAppStore(selectLocale);
  const districts = useAppStore(selectDistricts);
  const districtOptions = useMemo(() => Object.entries(districts).sort(([a], [b]) => a.localeCompare(b)), [districts]);
  const setFilter = (patch: Partial<typeof filter>) => navigate(`/dispatch${searchFromFilter({ ...filter, ...patch })}`);
  const queue = useMemo(() => queueOf(incidents, filter), [incidents, filter]);
  const [selected, setSelected] = useState<string | null>(null);
  const actions = useRef<DetailActions | null>(null);
  const handleActions = useCallback((a: DetailActions | null) => {
    actions.current = a;
  }, []);

  // Keep the selection while the queue changes under it; pick the first when there is none.
  useEffect(() => {
    if (!selected && queue[0]) setSelected(queue[0].id);
  }, [queue, selected]);

  useEffect(() => {
    const handleKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null;
      if (target && ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName)) return;
      const index = queue.findIndex((i) => i.id === selected);
      const key = event.key.toLowerCase();
      if (key === 'j' || event.key === 'ArrowDown') setSelected(queue[Math.min(queue.length - 1, index + 1)]?.id ?? selected);
      else if (key === 'k' || event.key === 'ArrowUp') setSelected(queue[Math.max(0, index - 1)]?.id ?? selected);
      else if (key === 't') actions.current?.triage();
      else if (key === 'd') actions.current?.dispatchTop();
      else if (key === 'r') actions.current?.reject();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', handleKey);
    return () => window.removeEventListener('keydown', handleKey);
  }, [queue, selected]);

  const minutesAgo = (at: string) => Math.max(0, Math.round((Date.now() - Date.parse(at)) / 60_000));
  const label = (code: string | null) => {
    const c = code ? categories[code] : undefined;
    return c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : t('dispatch.unclassified');
  };

  return (
    <div className="screen">
      <TopBar />
      <main className="console">
        <section className="panel queue">
          <header className="queue__head">
            <h2 className="panel__title">
              {t('dispatch.queue')} · {queue.length}
            </h2>
            <div className="queue__filters">
              <label className="field field--inline">
                <span>{t('dispatch.sort')}</span>
                <select name="sort" value={filter.sort} onChange={(e) => setFilter({ sort: e.target.value as typeof filter.sort })}>
                  {QUEUE_SORTS.map((s) => (
                    <option key={s} value={s}>
                      {t(`dispatch.sort.${s}` as MessageKey)}
                    </option>
                  ))}
                </select>
              </label>
              <select name="severity" aria-label={t('dispatch.severity')} value={filter.severity ?? ''} onChange={(e) => setFilter({ severity: (e.target.value || undefined) as Severity | undefined })}>
                <option value="">{t('dispatch.allSeverities')}</option>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {t(`severity.${s}` as MessageKey)}
                  </option>
                ))}
              </select>
              <select name="district" aria-label={t('dispatch.allDistricts')} value={filter.district ?? ''} onChange={(e) => setFilter({ district: e.target.value || undefined })}>
                <option value="">{t('dispatch.allDistricts')}</option>
                {districtOptions.map(([id, d]) => (
                  <option key={id} value={id}>
                    {locale === 'zh-CN' ? d.nameZh : d.name}
                  </option>
                ))}
              </select>
            </div>
          </header>
          {queue.length === 0 ? (
            <p className="detail__muted">{t('dispatch.empty')}</p>
          ) : (
            <ol className="queue__list" data-testid="dispatch-queue">
              {queue.map((i) => (
                <li key={i.id}>
                  <button
                    type="button"
                    className={`queue__item feed__item--${i.severity}${i.id === selected ? ' queue__item--on' : ''}`}
                    data-testid="queue-item"
                    data-incident-id={i.id}
                    onClick={() => setSelected(i.id)}
                  >
                    <span className={`feed__badge badge--${i.severity}`}>{t(`severity.${i.severity}` as MessageKey)}</span>
                    <span className="queue__title">{i.category ? label(i.category) : i.title}</span>
                    <span className="queue__age">{t('dispatch.age', { n: minutesAgo(i.createdAt) })}</span>
                    <DeadlineLight incident={i} />
                    <span className="queue__status">{t(`status.${i.status}` as MessageKey)}</span>
                  </button>
                </li>
              ))}
            </ol>
          )}
          <p className="queue__keys">{t('dispatch.shortcuts')}</p>
        </section>
        {selected ? <IncidentDetail incidentId={selected} onActions={handleActions} /> : <section className="panel detail">{t('dispatch.select')}</section>}
      </main>
    </div>
  );
}
