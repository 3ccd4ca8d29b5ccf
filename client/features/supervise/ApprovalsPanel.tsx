// Requests to stop a case's clock — extension (延期) and suspension (挂账) — approved or refused
// by the supervisor (audited on the server); running suspensions can be lifted here.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DeadlineRequest } from '../../../shared/domain/types.ts';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { api, ApiError } from '../../api/http.ts';
import { useT } from '../../i18n/useT.ts';
import { selectLocale, useAppStore } from '../../store/cityStore.ts';
import { suspendedList } from './overdue.ts';

export function ApprovalsPanel() {
  const t = useT();
  const incidents = useAppStore((s) => s.city.incidents);
  const units = useAppStore((s) => s.city.units);
  const locale = useAppStore(selectLocale);
  const [requests, setRequests] = useState<DeadlineRequest[]>([]);
  const [error, setError] = useState<string | null>(null);
  const suspended = useMemo(() => suspendedList(incidents), [incidents]);
  // A new request or decision changes its incident's version: refetch when versions move.
  const versionKey = useMemo(() => [...incidents.values()].reduce((n, i) => n + i.version, 0), [incidents]);
  const load = useCallback(() => {
    api
      .get<{ items: DeadlineRequest[] }>('/api/deadline-requests?status=pending')
      .then((r) => setRequests(r.items))
      .catch(() => undefined);
  }, []);
  // At most one fetch a second however busy the stream is.
  const pending = useRef<ReturnType<typeof setTimeout> | null>(null);
  useEffect(() => {
    if (pending.current) return;
    pending.current = setTimeout(() => {
      pending.current = null;
      load();
    }, 1000);
  }, [load, versionKey]);
  useEffect(
    () => () => {
      if (pending.current) clearTimeout(pending.current);
      pending.current = null;
    },
    [],
  );
  useEffect(load, [load]);
  const run = async (call: () => Promise<unknown>) => {
    setError(null);
    try {
      await call();
      load();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <section className="panel sv-panel" data-testid="approvals-panel">
      <h2 className="panel__title">
        {t('supervise.approvals')} · {requests.length}
      </h2>
      {error && (
        <p className="detail__message" role="alert">
          {error}
        </p>
      )}
      {requests.length === 0 && suspended.length === 0 && <p className="detail__muted">{t('supervise.approvalsEmpty')}</p>}
      <ol className="sv-list">
        {requests.map((r) => (
          <li key={r.id} className="sv-row sv-row--request" data-testid="approval-item" data-request-id={r.id}>
            <span className="sv-row__code">{r.incidentCode}</span>
            <span className="sv-row__what">
              {t(`deadline.kind.${r.kind}` as MessageKey)}
              {r.minutes ? ` · ${r.minutes} ${t('unit.minutes')}` : ''}
              {r.unitId && units.get(r.unitId) ? ` · ${locale === 'zh-CN' ? units.get(r.unitId)!.name.zh : units.get(r.unitId)!.name.en}` : ''} — {r.reason}
            </span>
            <span className="sv-row__buttons">
              <button type="button" className="btn btn--primary" data-action="approve" onClick={() => void run(() => api.post(`/api/deadline-requests/${r.id}/decision`, { approve: true }))}>
                {t('supervise.approve')}
              </button>
              <button type="button" className="btn" data-action="refuse" onClick={() => void run(() => api.post(`/api/deadline-requests/${r.id}/decision`, { approve: false }))}>
                {t('supervise.refuse')}
              </button>
            </span>
          </li>
        ))}
        {suspended.map((i) => (
          <li key={i.id} className="sv-row sv-row--request" data-testid="suspended-item" data-incident-id={i.id}>
            <span className="sv-row__code">{i.code}</span>
            <span className="sv-row__what">{t('deadline.kind.suspension')}</span>
            <span className="sv-row__buttons">
              <button type="button" className="btn" data-action="resume" onClick={() => void run(() => api.post(`/api/incidents/${i.id}/resume`, {}))}>
                {t('supervise.resume')}
              </button>
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
