import { SEVERITIES } from '../../../shared/domain/types.ts';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { SEVERITY_COLORS } from './mapStyle.ts';

export function MapLegend() {
  const t = useT();
  return (
    <div className="legend">
      <span className="legend__title">{t('map.legend.title')}</span>
      {SEVERITIES.map((s) => (
        <span key={s} className="legend__item">
          <span className="legend__dot" style={{ background: SEVERITY_COLORS[s] }} />
          {t(`severity.${s}` as MessageKey)}
        </span>
      ))}
    </div>
  );
}
