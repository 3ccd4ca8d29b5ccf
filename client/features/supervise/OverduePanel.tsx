// Overdue and escalated cases (督办), most urgent first, each with its light and escalation mark.

import { useMemo } from 'react';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { selectCategories, selectDistricts, selectLocale, useAppStore } from '../../store/cityStore.ts';
import { DeadlineLight } from '../deadlines/DeadlineLight.tsx';
import { overdueList } from './overdue.ts';

export function OverduePanel() {
  const t = useT();
  const incidents = useAppStore((s) => s.city.incidents);
  const categories = useAppStore(selectCategories);
  const districts = useAppStore(selectDistricts);
  const locale = useAppStore(selectLocale);
  const list = useMemo(() => overdueList(incidents), [incidents]);
  return (
    <section className="panel sv-panel" data-testid="overdue-panel">
      <h2 className="panel__title">
        {t('supervise.overdue')} · {list.length}
      </h2>
      {list.length === 0 ? (
        <p className="detail__muted">{t('supervise.overdueEmpty')}</p>
      ) : (
        <ol className="sv-list">
          {list.map((i) => {
            const c = i.category ? categories[i.category] : undefined;
            const d = i.districtId ? districts[i.districtId] : undefined;
            return (
              <li key={i.id} className={`sv-row${i.escalationLevel >= 2 ? ' sv-row--l2' : ''}`} data-testid="overdue-item" data-incident-id={i.id} data-escalation={i.escalationLevel}>
                <span className="sv-row__code">{i.code}</span>
                <span className="sv-row__what">
                  {c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : i.title}
                  {d ? ` · ${locale === 'zh-CN' ? d.nameZh : d.name}` : ''}
                </span>
                <span className="sv-row__status">{t(`status.${i.status}` as MessageKey)}</span>
                <DeadlineLight incident={i} />
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
