// Performance this month by district, unit or category: the monthly ranking with the 12345 rates,
// a bar per row for its score, and the same table as a CSV for Excel.

import { useEffect, useMemo, useState } from 'react';
import type { EvaluationRow, GroupBy } from '../../../shared/domain/evaluation.ts';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { api } from '../../api/http.ts';
import { useT } from '../../i18n/useT.ts';
import { selectCategories, selectDistricts, selectLocale, useAppStore } from '../../store/cityStore.ts';
import { RateTrend } from './RateTrend.tsx';

const BY: GroupBy[] = ['district', 'unit', 'category'];
const pct = (v: number | null) => (v === null ? '—' : `${Math.round(v * 1000) / 10}%`);

/** The first instant of this month in the city's time zone (close enough: local midnight of day 1). */
function monthStart(timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).formatToParts(new Date());
  const y = parts.find((p) => p.type === 'year')!.value;
  const m = parts.find((p) => p.type === 'month')!.value;
  const probe = new Date(`${y}-${m}-01T12:00:00Z`);
  const offset = new Date(probe.toLocaleString('en-US', { timeZone })).getTime() - new Date(probe.toLocaleString('en-US', { timeZone: 'UTC' })).getTime();
  return new Date(Date.parse(`${y}-${m}-01T00:00:00Z`) - offset).toISOString();
}

export function PerformancePanel() {
  const t = useT();
  const locale = useAppStore(selectLocale);
  const timeZone = useAppStore((s) => s.ui.timeZone);
  const districts = useAppStore(selectDistricts);
  const categories = useAppStore(selectCategories);
  const units = useAppStore((s) => s.city.units);
  const [by, setBy] = useState<GroupBy>('district');
  const [rows, setRows] = useState<EvaluationRow[]>([]);
  const from = useMemo(() => monthStart(timeZone), [timeZone]);
  const query = `by=${by}&from=${encodeURIComponent(from)}`;
  useEffect(() => {
    let live = true;
    api
      .get<{ rows: EvaluationRow[] }>(`/api/metrics/table?${query}`)
      .then((r) => live && setRows(r.rows))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [query]);
  const nameOf = (key: string) => {
    if (by === 'district') {
      const d = districts[key];
      return d ? (locale === 'zh-CN' ? d.nameZh : d.name) : key;
    }
    if (by === 'unit') {
      const u = units.get(key);
      return u ? (locale === 'zh-CN' ? u.name.zh : u.name.en) : key;
    }
    const c = categories[key];
    return c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : key;
  };
  return (
    <section className="panel sv-panel sv-panel--wide" data-testid="performance-panel">
      <header className="sv-head">
        <h2 className="panel__title">
          {t('supervise.performance')} · {t('supervise.ranking')}
        </h2>
        <div className="sv-tabs" role="tablist">
          {BY.map((b) => (
            <button key={b} type="button" role="tab" aria-selected={b === by} className={`btn btn--ghost${b === by ? ' sv-tab--on' : ''}`} onClick={() => setBy(b)}>
              {t(`eval.by.${b}` as MessageKey)}
            </button>
          ))}
          <a className="btn" href={`/api/metrics/export.csv?${query}&lang=${locale}`} download data-testid="export-csv">
            {t('supervise.export')}
          </a>
        </div>
      </header>
      <RateTrend from={from} />
      <div className="sv-table-wrap">
        <table className="sv-table">
          <thead>
            <tr>
              <th>{t('eval.col.rank')}</th>
              <th>{t(`eval.by.${by}` as MessageKey)}</th>
              <th>{t('eval.col.score')}</th>
              <th>{t('eval.col.cases')}</th>
              <th>{t('eval.col.responseRate')}</th>
              <th>{t('eval.col.resolutionRate')}</th>
              <th>{t('eval.col.satisfactionRate')}</th>
              <th>{t('eval.col.overdue')}</th>
              <th>{t('eval.col.returnRate')}</th>
              <th>{t('eval.col.noEvidenceRate')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.slice(0, 30).map((r) => (
              <tr key={r.key} data-testid="performance-row">
                <td>{r.rank}</td>
                <td>{nameOf(r.key)}</td>
                <td>
                  <div className="sv-bar-box">
                    <span className="sv-bar-track">
                      <span className="sv-bar" style={{ width: `${Math.round((r.score ?? 0) * 100)}%` }} />
                    </span>
                    <span className="sv-bar__value">{pct(r.score)}</span>
                  </div>
                </td>
                <td>{r.cases}</td>
                <td>{pct(r.responseRate)}</td>
                <td>{pct(r.resolutionRate)}</td>
                <td>{pct(r.satisfactionRate)}</td>
                <td>{r.overdue}</td>
                <td>{pct(r.returnRate)}</td>
                <td>{pct(r.noEvidenceRate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
