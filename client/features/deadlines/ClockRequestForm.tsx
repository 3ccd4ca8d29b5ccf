// Ask a supervisor to stop a case's clock: an extension (延期) for some minutes, or a suspension (挂账).

import { useState } from 'react';
import { PAUSE_KINDS, type PauseKind } from '../../../shared/domain/types.ts';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { api, ApiError } from '../../api/http.ts';
import { useT } from '../../i18n/useT.ts';

export function ClockRequestForm({ incidentId }: { incidentId: string }) {
  const t = useT();
  const [open, setOpen] = useState(false);
  const [kind, setKind] = useState<PauseKind>('extension');
  const [minutes, setMinutes] = useState(120);
  const [reason, setReason] = useState('');
  const [state, setState] = useState<{ ok: boolean; text: string } | null>(null);
  if (!open) {
    return (
      <button type="button" className="btn btn--ghost" data-action="request-clock" onClick={() => setOpen(true)}>
        {t('deadline.request')}
      </button>
    );
  }
  const send = async () => {
    setState(null);
    try {
      await api.post(`/api/incidents/${incidentId}/deadline-requests`, kind === 'extension' ? { kind, minutes, reason: reason.trim() } : { kind, reason: reason.trim() });
      setState({ ok: true, text: t('deadline.sent') });
      setReason('');
    } catch (e) {
      setState({ ok: false, text: e instanceof ApiError ? e.message : String(e) });
    }
  };
  return (
    <div className="clock-request" data-testid="clock-request">
      <select name="kind" aria-label={t('deadline.request')} value={kind} onChange={(e) => setKind(e.target.value as PauseKind)}>
        {PAUSE_KINDS.map((k) => (
          <option key={k} value={k}>
            {t(`deadline.kind.${k}` as MessageKey)}
          </option>
        ))}
      </select>
      {kind === 'extension' && (
        <label className="field field--inline">
          <span>{t('deadline.minutes')}</span>
          <input name="minutes" type="number" min={1} value={minutes} onChange={(e) => setMinutes(Number(e.target.value))} />
        </label>
      )}
      <label className="field">
        <span>{t('deadline.reason')}</span>
        <input name="clock-reason" value={reason} onChange={(e) => setReason(e.target.value)} />
      </label>
      <button type="button" className="btn" data-action="send-clock-request" disabled={!reason.trim()} onClick={() => void send()}>
        {t('deadline.send')}
      </button>
      {state && (
        <p className={state.ok ? 'detail__muted' : 'detail__message'} role={state.ok ? 'status' : 'alert'}>
          {state.text}
        </p>
      )}
    </div>
  );
}
