// The officer's phone: own tasks only, one big button for the next step, a note to resolve,
// a reason to return. Task changes arrive live; the page acts through the task API.

import { useMemo, useState } from 'react';
import type { Task } from '../../shared/domain/types.ts';
import type { MessageKey } from '../../shared/i18n/index.ts';
import { isTaskOpen } from '../../shared/domain/taskMachine.ts';
import { api, ApiError } from '../api/http.ts';
import { useT } from '../i18n/useT.ts';
import { selectCategories, selectLocale, selectUser, useAppStore } from '../store/cityStore.ts';
import { TopBar } from './TopBar.tsx';

const NEXT: Record<string, 'accept' | 'arrive' | 'resolve'> = { assigned: 'accept', accepted: 'arrive', on_scene: 'resolve' };

function TaskCard({ task }: { task: Task }) {
  const t = useT();
  const locale = useAppStore(selectLocale);
  const categories = useAppStore(selectCategories);
  const incident = useAppStore((s) => s.city.incidents[task.incidentId]);
  const [note, setNote] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const next = NEXT[task.status];
  const category = incident?.category ? categories[incident.category] : undefined;

  const send = async (action: 'accept' | 'arrive' | 'resolve' | 'return') => {
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/tasks/${task.id}/actions`, { action, version: task.version, ...(note.trim() ? { note: note.trim(), ...(action === 'return' ? { reason: note.trim() } : {}) } : {}) });
      setNote('');
    } catch (e) {
      setError(e instanceof ApiError ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <li className="task" data-testid="task" data-task-id={task.id} data-status={task.status}>
      <div className="task__head">
        {incident && <span className={`feed__badge badge--${incident.severity}`}>{t(`severity.${incident.severity}` as MessageKey)}</span>}
        <strong>{category ? (locale === 'zh-CN' ? category.name.zh : category.name.en) : (incident?.title ?? '')}</strong>
        <span className="task__status">{t(`field.task.${task.status}` as MessageKey)}</span>
      </div>
      {incident && <p className="task__text">{incident.text}</p>}
      {incident?.address && <p className="task__where">{incident.address}</p>}
      <label className="field">
        <span>{task.status === 'on_scene' ? t('field.note') : t('field.returnReason')}</span>
        <textarea name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {error && (
        <p className="detail__message" role="alert">
          {error}
        </p>
      )}
      <div className="task__buttons">
        {next && (
          <button type="button" className="btn btn--primary btn--big" data-action={next} disabled={busy || (next === 'resolve' && !note.trim())} onClick={() => void send(next)}>
            {t(`field.${next}` as MessageKey)}
          </button>
        )}
        {(task.status === 'assigned' || task.status === 'accepted') && (
          <button type="button" className="btn btn--big" data-action="return" disabled={busy || !note.trim()} onClick={() => void send('return')}>
            {t('field.return')}
          </button>
        )}
      </div>
    </li>
  );
}

export function FieldPage() {
  const t = useT();
  const user = useAppStore(selectUser);
  const tasks = useAppStore((s) => s.city.tasks);
  const mine = useMemo(
    () => Object.values(tasks).filter((task) => task.unitId === user?.unitId && isTaskOpen(task.status)).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [tasks, user],
  );
  return (
    <div className="screen field-page">
      <TopBar />
      <main className="field-main">
        <h2 className="panel__title">{t('field.title')}</h2>
        {mine.length === 0 ? <p className="detail__muted">{t('field.empty')}</p> : <ol className="tasks">{mine.map((task) => <TaskCard key={task.id} task={task} />)}</ol>}
      </main>
    </div>
  );
}
