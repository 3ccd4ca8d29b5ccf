// The traffic light of a case's current stage: green, yellow (80% of the limit used), red
// (overdue), with the stage's due time; plus the escalation mark once a case is 督办.

import type { DeadlineState, Incident } from '../../../shared/domain/types.ts';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { formatDuration } from '../connection/staleness.ts';
import { selectLocale, useAppStore } from '../../store/cityStore.ts';

// One formatter per locale and zone: a long queue renders many lights.
const formats = new Map<string, Intl.DateTimeFormat>();

function useClockText() {
  const locale = useAppStore(selectLocale);
  const timeZone = useAppStore((s) => s.ui.timeZone);
  const key = `${locale}|${timeZone}`;
  let fmt = formats.get(key);
  if (!fmt) {
    fmt = new Intl.DateTimeFormat(locale, { timeZone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
    formats.set(key, fmt);
  }
  const format = fmt;
  return (iso: string) => format.format(new Date(iso));
}

export function DeadlineLight({ incident, detailed = false }: { incident: Pick<Incident, 'deadline' | 'escalationLevel'>; detailed?: boolean }) {
  const t = useT();
  const locale = useAppStore(selectLocale);
  const time = useClockText();
  const d: DeadlineState | null | undefined = incident.deadline;
  const level = incident.escalationLevel;
  if (!d && level === 0) return null;
  const stage = d ? t(`deadline.stage.${d.stage}` as MessageKey) : '';
  // Long past due, "35311% used" says nothing: say how long it has been overdue.
  const usedText = (state: DeadlineState) => {
    const overdueMs = state.light === 'red' && state.dueAt ? Date.now() - Date.parse(state.dueAt) : 0;
    return overdueMs > 0 ? t('deadline.overdueFor', { span: formatDuration(overdueMs, locale) }) : t('deadline.used', { pct: Math.round(state.used * 100) });
  };
  const label = !d ? '' : d.paused ? t('deadline.paused') : d.light === 'red' ? t('deadline.overdueBy', { stage }) : d.dueAt ? t('deadline.due', { stage, time: time(d.dueAt) }) : stage;
  return (
    <span className="deadline" data-testid="deadline-light" data-light={d?.light ?? 'none'} data-paused={d?.paused ? 'yes' : 'no'} data-escalation={level}>
      {d && (
        <span className={`light light--${d.paused ? 'paused' : d.light}`} title={t(`light.${d.light}` as MessageKey)} aria-label={t(`light.${d.light}` as MessageKey)} />
      )}
      {d && <span className="deadline__text">{label}</span>}
      {detailed && d && !d.paused && <span className="deadline__used">{usedText(d)}</span>}
      {detailed && d?.caseDueAt && <span className="deadline__used">{t('deadline.caseDue', { time: time(d.caseDueAt) })}</span>}
      {d?.fired?.includes('urge') && level === 0 && <span className="deadline__mark deadline__mark--urge">{t('deadline.urged')}</span>}
      {level > 0 && (
        <span className="deadline__mark" data-testid="escalation-mark">
          {t('deadline.escalated', { n: level })}
        </span>
      )}
    </span>
  );
}
