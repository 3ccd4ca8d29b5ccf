// The admin's editor of deadline profiles: limits per category (or branch, or '*') and severity,
// in minutes, working hours or working days. Saving is audited and recomputes every open case.

import { useEffect, useState } from 'react';
import { CLOCK_LIMITS, type ClockLimit, type DeadlineProfile } from '../../shared/domain/deadlines.ts';
import { LIMIT_UNITS, type LimitUnit, type WorkCalendar } from '../../shared/domain/workCalendar.ts';
import { SEVERITIES } from '../../shared/domain/types.ts';
import type { MessageKey } from '../../shared/i18n/index.ts';
import { api, ApiError } from '../api/http.ts';
import { useT } from '../i18n/useT.ts';
import { selectCategories, selectLocale, useAppStore } from '../store/cityStore.ts';
import { TopBar } from './TopBar.tsx';

const hhmm = (m: number) => `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
const limitLabel = (k: ClockLimit): MessageKey => (k === 'case' ? 'admin.deadlines.limit.case' : (`deadline.stage.${k}` as MessageKey));

export function AdminDeadlinesPage() {
  const t = useT();
  const locale = useAppStore(selectLocale);
  const categories = useAppStore(selectCategories);
  const [profiles, setProfiles] = useState<DeadlineProfile[]>([]);
  const [calendar, setCalendar] = useState<WorkCalendar | null>(null);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  useEffect(() => {
    api
      .get<{ profiles: DeadlineProfile[]; calendar: WorkCalendar }>('/api/admin/deadline-profiles')
      .then((r) => {
        setProfiles(r.profiles);
        setCalendar(r.calendar);
      })
      .catch((e: unknown) => setMessage({ ok: false, text: e instanceof Error ? e.message : String(e) }));
  }, []);

  const update = (index: number, patch: (p: DeadlineProfile) => DeadlineProfile) => setProfiles((list) => list.map((p, i) => (i === index ? patch(p) : p)));
  const setLimit = (index: number, key: ClockLimit, field: 'amount' | 'unit', value: string) =>
    update(index, (p) => ({ ...p, limits: { ...p.limits, [key]: { ...p.limits[key], [field]: field === 'amount' ? Number(value) : (value as LimitUnit) } } }));
  const add = () =>
    setProfiles((list) => [
      ...list,
      { category: '', severity: '*', limits: { dispatch: { amount: 30, unit: 'minutes' }, accept: { amount: 30, unit: 'minutes' }, arrive: { amount: 2, unit: 'work_hours' }, resolve: { amount: 1, unit: 'work_days' }, case: { amount: 5, unit: 'work_days' } } },
    ]);
  const save = async () => {
    setMessage(null);
    try {
      const r = await api.put<{ profiles: DeadlineProfile[] }>('/api/admin/deadline-profiles', { profiles });
      setProfiles(r.profiles);
      setMessage({ ok: true, text: t('admin.deadlines.saved') });
    } catch (e) {
      setMessage({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    }
  };
  const codes = Object.keys(categories).sort();

  return (
    <div className="screen">
      <TopBar />
      <main className="supervise">
        <section className="panel" data-testid="deadline-profiles">
          <header className="sv-head">
            <h2 className="panel__title">{t('admin.deadlines')}</h2>
            <div className="sv-tabs">
              <button type="button" className="btn" onClick={add}>
                {t('admin.deadlines.add')}
              </button>
              <button type="button" className="btn btn--primary" data-action="save" onClick={() => void save()}>
                {t('admin.deadlines.save')}
              </button>
            </div>
          </header>
          {calendar && (
            <p className="detail__muted">
              {t('admin.deadlines.calendar', {
                hours: calendar.hours.map(([a, b]) => `${hhmm(a)}–${hhmm(b)}`).join(', '),
                days: calendar.weekdays.join(','),
                holidays: calendar.holidays.length,
              })}
            </p>
          )}
          {message && (
            <p className={message.ok ? 'detail__muted' : 'detail__message'} role={message.ok ? 'status' : 'alert'}>
              {message.text}
            </p>
          )}
          <datalist id="category-codes">
            <option value="*" />
            {codes.map((c) => (
              <option key={c} value={c}>
                {locale === 'zh-CN' ? categories[c]!.name.zh : categories[c]!.name.en}
              </option>
            ))}
          </datalist>
          <div className="sv-table-wrap">
            <table className="sv-table">
              <thead>
                <tr>
                  <th>{t('admin.deadlines.category')}</th>
                  <th>{t('admin.deadlines.severity')}</th>
                  {CLOCK_LIMITS.map((k) => (
                    <th key={k}>{t(limitLabel(k))}</th>
                  ))}
                  <th />
                </tr>
              </thead>
              <tbody>
                {profiles.map((p, i) => (
                  <tr key={i} data-testid="profile-row">
                    <td>
                      <input name="category" list="category-codes" value={p.category} onChange={(e) => update(i, (x) => ({ ...x, category: e.target.value.trim() }))} />
                    </td>
                    <td>
                      <select name="severity" value={p.severity} onChange={(e) => update(i, (x) => ({ ...x, severity: e.target.value as DeadlineProfile['severity'] }))}>
                        <option value="*">*</option>
                        {SEVERITIES.map((s) => (
                          <option key={s} value={s}>
                            {t(`severity.${s}` as MessageKey)}
                          </option>
                        ))}
                      </select>
                    </td>
                    {CLOCK_LIMITS.map((k) => (
                      <td key={k}>
                        <div className="limit-cell">
                        <input name={`${k}-amount`} type="number" min={1} value={p.limits[k].amount} onChange={(e) => setLimit(i, k, 'amount', e.target.value)} />
                        <select name={`${k}-unit`} value={p.limits[k].unit} onChange={(e) => setLimit(i, k, 'unit', e.target.value)}>
                          {LIMIT_UNITS.map((u) => (
                            <option key={u} value={u}>
                              {t(`unit.${u}` as MessageKey)}
                            </option>
                          ))}
                        </select>
                        </div>
                      </td>
                    ))}
                    <td>
                      <button type="button" className="btn btn--ghost" onClick={() => setProfiles((list) => list.filter((_, j) => j !== i))}>
                        {t('admin.deadlines.remove')}
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      </main>
    </div>
  );
}
