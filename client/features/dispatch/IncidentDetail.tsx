// One incident as the dispatcher works it: what was reported, its timeline, the units the server
// recommends (with the reasons), and the commands its state allows.

import { Suspense, lazy, useCallback, useEffect, useMemo, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { Incident, TimelineEntry, Task } from '../../../shared/domain/types.ts';
import type { Recommendation } from '../../../shared/domain/recommendation.ts';
import type { DuplicateCandidate } from '../../../shared/domain/duplicates.ts';
import { SEVERITIES, type Severity } from '../../../shared/domain/types.ts';
import { catalogs, type MessageKey } from '../../../shared/i18n/index.ts';
import { DeadlineLight } from '../deadlines/DeadlineLight.tsx';
import { api, ApiError } from '../../api/http.ts';
import { useT } from '../../i18n/useT.ts';
import { selectCategories, selectDistricts, selectLocale, selectTimeZone, useAppStore } from '../../store/cityStore.ts';
import { sensorReading } from '../../store/commitDelta.ts';
import { recommendationText } from './recommendationText.ts';
import { currentBridge } from '../../realtime/liveBridge.ts';
import { allowedActions } from '../../../shared/domain/incidentMachine.ts';
import { nearbySensors } from './nearby.ts';
import { RevealCaller } from './RevealCaller.tsx';
import { formatTime } from '../kpis/kpiFormat.ts';

// The mini map brings MapLibre: load it with the first detail that has a place.
const MiniMap = lazy(() => import('../map/MiniMap.tsx').then((m) => ({ default: m.MiniMap })));

interface Detail extends Incident {
  timeline: TimelineEntry[];
  /** Masked by the server. */
  callers: { eventId: number; name: string; phone: string }[];
  tasks: Task[];
  events: { id: number; source: string; occurredAt: string }[];
}

export interface DetailActions {
  triage(): void;
  dispatchTop(): void;
  reject(): void;
}

export function IncidentDetail({ incidentId, onActions }: { incidentId: string; onActions: (actions: DetailActions | null) => void }) {
  const t = useT();
  const locale = useAppStore(selectLocale);
  const categories = useAppStore(selectCategories);
  const districts = useAppStore(selectDistricts);
  const timeZone = useAppStore(selectTimeZone);
  const units = useAppStore((s) => s.city.units);
  const incidents = useAppStore((s) => s.city.incidents);
  // The sensor table is replaced by a snapshot only; readings are written into its entries, so
  // the nearby ones are found once per place and followed by what they show (`sensorReading`).
  const sensorTable = useAppStore((s) => s.city.sensors);
  // The live copy moves on when anyone acts on it; the detail follows its version.
  const live = useAppStore((s) => s.city.incidents.get(incidentId));
  // Deadline steps and requests name their action; other entries show the status they led to.
  const timelineLabel = (e: TimelineEntry) => {
    const step = e.action.replace(/^deadline_/, '');
    const key = `deadline.action.${step}` as MessageKey;
    return key in catalogs.en ? t(key) : t(`status.${e.to}` as MessageKey);
  };
  const [detail, setDetail] = useState<Detail | null>(null);
  const [recommendations, setRecommendations] = useState<Recommendation[]>([]);
  const [duplicates, setDuplicates] = useState<DuplicateCandidate[]>([]);
  const [category, setCategory] = useState('');
  const [severity, setSeverity] = useState<Severity>('medium');
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [d, r, dup] = await Promise.all([
      api.get<Detail>(`/api/incidents/${incidentId}`),
      api.get<{ items: Recommendation[] }>(`/api/incidents/${incidentId}/recommendations`),
      api.get<{ items: DuplicateCandidate[] }>(`/api/incidents/${incidentId}/duplicates`),
    ]);
    setDetail(d);
    setRecommendations(r.items.slice(0, 5));
    setDuplicates(dup.items.slice(0, 3));
    setCategory((c) => c || d.category || '');
    setSeverity(d.severity);
  }, [incidentId]);

  const me = useAppStore((s) => s.ui.user?.id);
  const viewers = useAppStore((s) => s.presence[incidentId]);
  const others = (viewers ?? []).filter((v) => v.userId !== me);
  useEffect(() => {
    currentBridge()?.view(incidentId);
    return () => currentBridge()?.view(null);
  }, [incidentId]);

  useEffect(() => {
    setCategory('');
    setMessage(null);
    setReason('');
    void load().catch(() => setDetail(null));
  }, [incidentId, load]);

  useEffect(() => {
    if (live && detail && live.version !== detail.version) void load().catch(() => undefined);
  }, [live, detail, load]);

  const act = useCallback(
    async (body: Record<string, unknown>) => {
      if (!detail) return;
      setMessage(null);
      try {
        await api.post(`/api/incidents/${incidentId}/actions`, { ...body, version: detail.version });
        setReason('');
        await load();
      } catch (e) {
        if (e instanceof ApiError && e.status === 409) setMessage(t('dispatch.conflict'));
        else setMessage(t('dispatch.refused', { rule: e instanceof Error ? e.message : String(e) }));
        await load().catch(() => undefined);
      }
    },
    [detail, incidentId, load, t],
  );

  const top = recommendations[0];
  // What may be done comes from the same state machine the server decides with.
  const role = useAppStore((s) => s.ui.user?.role);
  const allowed = detail && role ? allowedActions(detail, role) : [];
  const canTriage = allowed.includes('triage');
  const canDispatch = allowed.includes('dispatch');
  const canReject = allowed.includes('reject');
  const canMerge = allowed.includes('merge');
  const triage = useCallback(() => {
    if (canTriage && category) void act({ action: 'triage', category, severity });
  }, [act, canTriage, category, severity]);
  const dispatchTo = useCallback(
    (unitId: string) => {
      const isTop = unitId === top?.unitId;
      if (!isTop && !reason.trim()) {
        setMessage(t('dispatch.reasonNeeded'));
        return;
      }
      void act({ action: 'dispatch', unitId, ...(isTop ? {} : { reason }) });
    },
    [act, reason, t, top],
  );
  const reject = useCallback(() => {
    if (!reason.trim()) {
      setMessage(t('dispatch.reasonNeeded'));
      return;
    }
    void act({ action: 'reject', reason });
  }, [act, reason, t]);

  useEffect(() => {
    onActions({ triage, dispatchTop: () => top && canDispatch && dispatchTo(top.unitId), reject });
    return () => onActions(null);
  }, [onActions, triage, dispatchTo, reject, top, canDispatch]);

  const location = detail?.location ?? null;
  const nearIds = useMemo(() => nearbySensors(sensorTable, location, 500, 50).map((n) => n.sensor.id), [sensorTable, location]);
  // Readings are written into the entries: re-render when what a nearby one shows changes.
  useAppStore(useShallow((s) => nearIds.map((id) => sensorReading(s.city.sensors.get(id)))));
  const sensors = useMemo(() => new Map(nearIds.flatMap((id) => sensorTable.get(id) ?? []).map((x) => [x.id, x])), [nearIds, sensorTable]);
  if (!detail) return <section className="panel detail" />;
  const name = (code: string | null) => {
    const c = code ? categories[code] : undefined;
    return c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : t('dispatch.unclassified');
  };
  const district = detail.districtId ? districts[detail.districtId] : undefined;
  const leaves = Object.values(categories).sort((a, b) => a.code.localeCompare(b.code));

  return (
    <section className="panel detail" data-testid="incident-detail" data-incident-id={detail.id} data-status={detail.status}>
      <header className="detail__head">
        <span className={`feed__badge badge--${detail.severity}`}>{t(`severity.${detail.severity}` as MessageKey)}</span>
        <h2 className="detail__title">{detail.title}</h2>
        <span className="detail__status">{t(`status.${detail.status}` as MessageKey)}</span>
      </header>
      <p className="detail__meta">
        <DeadlineLight incident={live ?? detail} detailed />
      </p>
      {others.length > 0 && (
        <p className="detail__presence" data-testid="also-viewing">
          {t('dispatch.alsoViewing', { names: others.map((v) => v.displayName).join('、') })}
        </p>
      )}
      <p className="detail__meta">
        {detail.code} · {name(detail.category)} · {district ? (locale === 'zh-CN' ? district.nameZh : district.name) : t('feed.unlocated')}
        {detail.address ? ` · ${detail.address}` : ''} · {t(`source.${detail.source}` as MessageKey)}
        {detail.repeatCount > 0 ? ` · ${t('dispatch.repeats', { n: detail.repeatCount })}` : ''}
      </p>
      {detail.callers.length > 0 && (
        <div className="detail__meta" data-testid="callers">
          {t('dispatch.callers', { list: detail.callers.map((c) => `${c.name} ${c.phone}`).join('、') })}
          {detail.callers.map((c) => (
            <RevealCaller key={c.eventId} incidentId={detail.id} eventId={c.eventId} />
          ))}
        </div>
      )}
      <div className="detail__where">
        <p className="detail__text">{detail.text}</p>
        {detail.location && (
          <Suspense fallback={<div className="minimap" />}>
            <MiniMap location={detail.location} severity={detail.severity} />
          </Suspense>
        )}
      </div>

      {canTriage && (
        <div className="detail__row">
          <label className="field field--inline">
            <span>{t('dispatch.category')}</span>
            <select name="category" value={category} onChange={(e) => setCategory(e.target.value)}>
              <option value="">—</option>
              {leaves.map((c) => (
                <option key={c.code} value={c.code}>
                  {locale === 'zh-CN' ? c.name.zh : c.name.en}
                </option>
              ))}
            </select>
          </label>
          <label className="field field--inline">
            <span>{t('dispatch.severity')}</span>
            <select name="severity" value={severity} onChange={(e) => setSeverity(e.target.value as Severity)}>
              {SEVERITIES.map((s) => (
                <option key={s} value={s}>
                  {t(`severity.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="btn btn--primary" data-action="triage" disabled={!category} onClick={triage}>
            {t('dispatch.triage')} (T)
          </button>
        </div>
      )}

      {canReject && (
        <div className="detail__row">
          <label className="field field--inline field--grow">
            <span>{t('dispatch.reason')}</span>
            <input name="reason" value={reason} onChange={(e) => setReason(e.target.value)} />
          </label>
          <button type="button" className="btn" data-action="reject" onClick={reject}>
            {t('dispatch.reject')} (R)
          </button>
        </div>
      )}
      {message && (
        <p className="detail__message" role="alert">
          {message}
        </p>
      )}

      <h3 className="panel__title">{t('dispatch.units')}</h3>
      <ol className="recs" data-testid="recommendations">
        {recommendations.map((r, k) => {
          const unit = units.get(r.unitId);
          return (
            <li key={r.unitId} className="recs__item" data-unit-id={r.unitId}>
              <div>
                <strong>{unit ? (locale === 'zh-CN' ? unit.name.zh : unit.name.en) : r.unitId}</strong>
                <div className="recs__why">{recommendationText(r, locale)}</div>
              </div>
              <span className="recs__score">{r.score.toFixed(2)}</span>
              <button type="button" className={k === 0 ? 'btn btn--primary' : 'btn'} data-action="dispatch" disabled={!canDispatch} onClick={() => dispatchTo(r.unitId)}>
                {t('dispatch.dispatch')}
                {k === 0 ? ' (D)' : ''}
              </button>
            </li>
          );
        })}
      </ol>

      <h3 className="panel__title">{t('dispatch.duplicates')}</h3>
      {duplicates.length === 0 ? (
        <p className="detail__muted">{t('dispatch.noDuplicates')}</p>
      ) : (
        <ul className="dups">
          {duplicates.map((d) => {
            const other = incidents.get(d.incidentId);
            return (
              <li key={d.incidentId} className="dups__item" data-incident-id={d.incidentId}>
                <span>
                  {other?.code ?? d.incidentId.slice(0, 8)} · {d.factors.distanceM} m · {d.factors.ageMin} min · {Math.round(d.factors.text * 100)}% · {Math.round(d.score * 100)}
                </span>
                {canMerge && (
                  <button type="button" className="btn" data-action="merge" onClick={() => void act({ action: 'merge', intoId: d.incidentId })}>
                    {t('dispatch.merge')}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}

      <h3 className="panel__title">{t('dispatch.sensors')}</h3>
      {(() => {
        const near = nearbySensors(sensors, detail.location);
        return near.length === 0 ? (
          <p className="detail__muted">{t('dispatch.noSensors')}</p>
        ) : (
          <ul className="dups" data-testid="nearby-sensors">
            {near.map(({ sensor, distanceM }) => (
              <li key={sensor.id} className={`sensor sensor--${sensor.level}`}>
                {sensor.id} · {sensor.kind} · {sensor.value ?? '—'} {sensor.unit} · {distanceM} m
              </li>
            ))}
          </ul>
        );
      })()}

      <h3 className="panel__title">{t('dispatch.events')}</h3>
      <ul className="dups">
        {detail.events.map((e) => (
          <li key={e.id}>
            {t(`source.${e.source}` as MessageKey)} · {formatTime(e.occurredAt, locale, timeZone)}
          </li>
        ))}
      </ul>

      <h3 className="panel__title">{t('dispatch.timeline')}</h3>
      <ol className="timeline">
        {detail.timeline.map((e, k) => (
          <li key={k}>
            <span className="feed__time">{formatTime(e.at, locale, timeZone)}</span>{' '}
            {timelineLabel(e)}
            {e.note && !e.action.startsWith('deadline_') ? ` — ${e.note}` : ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
