// The officer's phone: own tasks only, one big button for the next step, a note to resolve,
// a reason to return. Task changes arrive live; the page acts through the task API.

import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import type { Task } from '../../shared/domain/types.ts';
import type { MessageKey } from '../../shared/i18n/index.ts';
import { isTaskOpen } from '../../shared/domain/taskMachine.ts';
import { OfflineQueue, httpSender } from '../features/field/offlineQueue.ts';
import { useSharePosition } from '../features/field/useSharePosition.ts';
import { useT } from '../i18n/useT.ts';
import { selectCategories, selectConnection, selectLocale, selectUser, useAppStore } from '../store/cityStore.ts';
import { TopBar } from './TopBar.tsx';
import { DeadlineLight } from '../features/deadlines/DeadlineLight.tsx';
import { ClockRequestForm } from '../features/deadlines/ClockRequestForm.tsx';

const NEXT: Record<string, 'accept' | 'arrive' | 'resolve'> = { assigned: 'accept', accepted: 'arrive', on_scene: 'resolve' };

// Every field action goes through the queue: sent at once when online, kept and sent later when not.
const queue = new OfflineQueue(localStorage, httpSender());
const subscribeQueue = (onChange: () => void) => queue.subscribe(onChange);
const queueSize = () => queue.size;

function TaskCard({ task }: { task: Task }) {
  const t = useT();
  const locale = useAppStore(selectLocale);
  const categories = useAppStore(selectCategories);
  const incident = useAppStore((s) => s.city.incidents.get(task.incidentId));
  const [note, setNote] = useState('');
  const [queued, setQueued] = useState(false);
  const [photoId, setPhotoId] = useState<string | null>(null);
  const [photoError, setPhotoError] = useState<string | null>(null);

  const handlePhoto = async (file: File | undefined) => {
    setPhotoError(null);
    if (!file) return;
    try {
      const res = await fetch('/api/photos', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': file.type }, body: file });
      const body = (await res.json()) as { id?: string; error?: { message: string } };
      if (!res.ok || !body.id) throw new Error(body.error?.message ?? res.statusText);
      setPhotoId(body.id);
    } catch (e) {
      setPhotoError(t('field.photoFailed', { reason: e instanceof Error ? e.message : String(e) }));
    }
  };
  const next = NEXT[task.status];
  const category = incident?.category ? categories[incident.category] : undefined;

  const send = (action: 'accept' | 'arrive' | 'resolve' | 'return') => {
    const text = note.trim();
    queue.enqueue(task.id, {
      action,
      version: task.version,
      ...(text ? { note: text, ...(action === 'return' ? { reason: text } : {}) } : {}),
      ...(action === 'resolve' && photoId ? { photo: photoId } : {}),
    });
    setNote('');
    setQueued(true);
    void queue.flush();
  };
  // The live task moving on means the action went through.
  useEffect(() => setQueued(false), [task.version]);

  return (
    <li className="task" data-testid="task" data-task-id={task.id} data-status={task.status}>
      <div className="task__head">
        {incident && <span className={`feed__badge badge--${incident.severity}`}>{t(`severity.${incident.severity}` as MessageKey)}</span>}
        <strong>{category ? (locale === 'zh-CN' ? category.name.zh : category.name.en) : (incident?.title ?? '')}</strong>
        <span className="task__status">{t(`field.task.${task.status}` as MessageKey)}</span>
      </div>
      {incident && <DeadlineLight incident={incident} detailed />}
      {incident && <p className="task__text">{incident.text}</p>}
      {incident?.address && <p className="task__where">{incident.address}</p>}
      <label className="field">
        <span>{task.status === 'on_scene' ? t('field.note') : t('field.returnReason')}</span>
        <textarea name="note" rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
      </label>
      {task.status === 'on_scene' && (
        // The browser's own file button speaks the phone's language, not the one chosen here: it
        // stays in the page for the camera and for assistive technology, and this label is what shows.
        <label className="field photo-pick">
          <span>{t('field.photo')}</span>
          <input className="visually-hidden" name="photo" type="file" accept="image/jpeg,image/png,image/webp" capture="environment" onChange={(e) => void handlePhoto(e.target.files?.[0])} />
          <span className={`btn photo-pick__button${photoId ? ' photo-pick__button--done' : ''}`} aria-hidden="true">
            {photoId ? t('field.photoAttached') : t('field.photoPick')}
          </span>
        </label>
      )}
      {photoError && (
        <p className="detail__message" role="alert">
          {photoError}
        </p>
      )}
      {queued && <p className="detail__muted">{t('field.queued')}</p>}
      {incident?.deadline && !incident.deadline.paused && <ClockRequestForm incidentId={task.incidentId} />}
      <div className="task__buttons">
        {next && (
          <button type="button" className="btn btn--primary btn--big" data-action={next} disabled={queued || (next === 'resolve' && !note.trim())} onClick={() => send(next)}>
            {t(`field.${next}` as MessageKey)}
          </button>
        )}
        {(task.status === 'assigned' || task.status === 'accepted') && (
          <button type="button" className="btn btn--big" data-action="return" disabled={queued || !note.trim()} onClick={() => send('return')}>
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
  const waiting = useSyncExternalStore(subscribeQueue, queueSize);
  const sharing = useSharePosition(user?.unitId);
  const connection = useAppStore(selectConnection);
  // Whenever the connection comes back, send what waited.
  useEffect(() => {
    if (connection.state === 'live') void queue.flush();
    const handleOnline = () => void queue.flush();
    window.addEventListener('online', handleOnline);
    return () => window.removeEventListener('online', handleOnline);
  }, [connection.state]);
  const mine = useMemo(
    () => [...tasks.values()].filter((task) => task.unitId === user?.unitId && isTaskOpen(task.status)).sort((a, b) => b.createdAt.localeCompare(a.createdAt)),
    [tasks, user],
  );
  return (
    <div className="screen field-page">
      <TopBar />
      <main className="field-main">
        <h2 className="panel__title field-main__title">
          {t('field.title')}
          <span className={sharing ? 'gps gps--on' : 'gps'} data-testid="gps-state">
            {t(sharing ? 'field.gpsOn' : 'field.gpsOff')}
          </span>
        </h2>
        {waiting > 0 && (
          <p className="banner banner--soft" data-testid="queue-waiting" role="status">
            {t('field.waiting', { n: waiting })}
          </p>
        )}
        {mine.length === 0 ? <p className="detail__muted">{t('field.empty')}</p> : <ol className="tasks">{mine.map((task) => <TaskCard key={task.id} task={task} />)}</ol>}
      </main>
    </div>
  );
}
