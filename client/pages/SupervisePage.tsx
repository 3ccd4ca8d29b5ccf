// The supervisor's verification queue: resolved work is verified and closed, or sent back with
// the reason it failed.

import { useEffect, useMemo, useState } from 'react';
import { SATISFACTIONS, type Incident, type Satisfaction, type Task } from '../../shared/domain/types.ts';
import type { MessageKey } from '../../shared/i18n/index.ts';
import { api, ApiError } from '../api/http.ts';
import { useT } from '../i18n/useT.ts';
import { selectCategories, selectLocale, useAppStore } from '../store/cityStore.ts';
import { TopBar } from './TopBar.tsx';
import { OverduePanel } from '../features/supervise/OverduePanel.tsx';
import { ApprovalsPanel } from '../features/supervise/ApprovalsPanel.tsx';
import { PerformancePanel } from '../features/supervise/PerformancePanel.tsx';
import { HotspotsPanel } from '../features/supervise/HotspotsPanel.tsx';

function VerifyCard({ incident }: { incident: Incident }) {
  const t = useT();
  const locale = useAppStore(selectLocale);
  const categories = useAppStore(selectCategories);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const category = incident.category ? categories[incident.category] : undefined;
  // Finished tasks are not in the live picture; the evidence comes with the incident's detail.
  const [photoId, setPhotoId] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    api
      .get<{ tasks: Task[] }>(`/api/incidents/${incident.id}`)
      .then((d) => live && setPhotoId(d.tasks.find((task) => task.photoId)?.photoId ?? null))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [incident.id, incident.version]);
  const verify = async (ok: boolean) => {
    setError(null);
    try {
      await api.post(`/api/incidents/${incident.id}/actions`, { action: 'verify', version: incident.version, ok, ...(note.trim() ? { note: note.trim() } : {}) });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <li className="task" data-testid="verify-item" data-incident-id={incident.id}>
      <div className="task__head">
        <span className={`feed__badge badge--${incident.severity}`}>{t(`severity.${incident.severity}` as MessageKey)}</span>
        <strong>{category ? (locale === 'zh-CN' ? category.name.zh : category.name.en) : incident.title}</strong>
        <span className="task__status">{incident.code}</span>
      </div>
      <p className="task__text">{incident.text}</p>
      {photoId && <img className="evidence" src={`/api/photos/${photoId}`} alt={t('supervise.evidence')} data-testid="evidence" />}
      <label className="field">
        <span>{t('supervise.note')}</span>
        <input name="note" value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {error && (
        <p className="detail__message" role="alert">
          {error}
        </p>
      )}
      <div className="task__buttons">
        <button type="button" className="btn btn--primary" data-action="verify" onClick={() => void verify(true)}>
          {t('supervise.verify')}
        </button>
        <button type="button" className="btn" data-action="fail" disabled={!note.trim()} onClick={() => void verify(false)}>
          {t('supervise.fail')}
        </button>
      </div>
    </li>
  );
}

/** After closing, the caller is called back and their satisfaction recorded (回访). */
function CallbackCard({ incident }: { incident: Incident }) {
  const t = useT();
  const [error, setError] = useState<string | null>(null);
  const [resolved, setResolved] = useState(true);
  const rate = async (satisfaction: Satisfaction) => {
    setError(null);
    try {
      await api.post(`/api/incidents/${incident.id}/actions`, { action: 'rate', version: incident.version, satisfaction, resolved });
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    }
  };
  return (
    <li className="task" data-testid="callback-item" data-incident-id={incident.id}>
      <div className="task__head">
        <strong>{incident.title}</strong>
        <span className="task__status">{incident.code}</span>
      </div>
      {error && (
        <p className="detail__message" role="alert">
          {error}
        </p>
      )}
      <label className="check">
        <input type="checkbox" name="resolved" checked={resolved} onChange={(e) => setResolved(e.target.checked)} />
        <span>{t('supervise.callbackResolved')}</span>
      </label>
      <div className="task__buttons">
        {SATISFACTIONS.map((s) => (
          <button key={s} type="button" className="btn" data-action={`rate-${s}`} onClick={() => void rate(s)}>
            {t(`satisfaction.${s}` as MessageKey)}
          </button>
        ))}
      </div>
    </li>
  );
}

export function SupervisePage() {
  const t = useT();
  const incidents = useAppStore((s) => s.city.incidents);
  const resolved = useMemo(() => [...incidents.values()].filter((i) => i.status === 'resolved').sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)), [incidents]);
  const toCall = useMemo(
    () => [...incidents.values()].filter((i) => i.status === 'closed' && i.source === 'hotline' && i.satisfaction === null).sort((a, b) => a.updatedAt.localeCompare(b.updatedAt)),
    [incidents],
  );
  return (
    <div className="screen">
      <TopBar />
      <main className="supervise">
        <div className="sv-grid">
          <OverduePanel />
          <ApprovalsPanel />
        </div>
        <h2 className="panel__title">
          {t('supervise.title')} · {resolved.length}
        </h2>
        {resolved.length === 0 ? <p className="detail__muted">{t('supervise.empty')}</p> : <ol className="tasks tasks--grid">{resolved.map((i) => <VerifyCard key={i.id} incident={i} />)}</ol>}
        <h2 className="panel__title supervise__section">
          {t('supervise.callback')} · {toCall.length}
        </h2>
        {toCall.length === 0 ? <p className="detail__muted">{t('supervise.callbackEmpty')}</p> : <ol className="tasks tasks--grid">{toCall.map((i) => <CallbackCard key={i.id} incident={i} />)}</ol>}
        <div className="sv-grid supervise__section">
          <PerformancePanel />
          <HotspotsPanel />
        </div>
      </main>
    </div>
  );
}
