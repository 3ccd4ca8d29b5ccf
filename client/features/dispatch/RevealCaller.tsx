// The explicit, audited reveal of one caller's full name and phone (dispatchers, supervisors).
// The full value lives only in this component's state and is gone when the detail closes.

import { useState, type FormEvent } from 'react';
import { grantOf } from '../../../shared/security/policy.ts';
import { api, ApiError } from '../../api/http.ts';
import { useT } from '../../i18n/useT.ts';
import { selectUser, useAppStore } from '../../store/cityStore.ts';

export function RevealCaller({ incidentId, eventId }: { incidentId: string; eventId: number }) {
  const t = useT();
  const user = useAppStore(selectUser);
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [shown, setShown] = useState<{ name: string; phone: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  if (!user || !grantOf(user.role, 'caller.reveal')) return null;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      setShown(await api.post<{ name: string; phone: string }>(`/api/incidents/${incidentId}/callers/reveal`, { eventId, reason: reason.trim() }));
      setOpen(false);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    }
  };
  if (shown) return <span className="detail__reveal" data-testid="caller-revealed">{t('dispatch.revealed', { name: shown.name, phone: shown.phone })}</span>;
  if (!open) {
    return (
      <button type="button" className="btn btn--ghost detail__reveal" data-action="reveal-caller" onClick={() => setOpen(true)}>
        {t('dispatch.reveal')}
      </button>
    );
  }
  return (
    <form className="queue__filters detail__reveal" onSubmit={(e) => void submit(e)}>
      <label className="field field--inline field--grow">
        <span>{t('dispatch.revealReason')}</span>
        <input name="revealReason" value={reason} onChange={(e) => setReason(e.target.value)} autoFocus />
      </label>
      <button type="submit" className="btn" disabled={reason.trim().length < 3}>
        {t('dispatch.reveal')}
      </button>
      {error && <span role="alert">{error}</span>}
    </form>
  );
}
