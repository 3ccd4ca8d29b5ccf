// Pure: a recommendation's factors as the one line a dispatcher reads ("1.2 km · 4 min · …").

import type { Recommendation } from '../../../shared/domain/recommendation.ts';
import { translate, type Locale } from '../../../shared/i18n/index.ts';

export function recommendationText(r: Recommendation, locale: Locale): string {
  return translate(locale, 'dispatch.reasons', {
    km: (r.factors.distanceM / 1000).toFixed(1),
    min: Math.max(1, Math.round(r.factors.etaMin)),
    skill: translate(locale, `dispatch.skill.${r.factors.skill}`),
    load: r.factors.openTasks,
    district: translate(locale, r.factors.ownDistrict ? 'dispatch.ownDistrict' : 'dispatch.otherDistrict'),
  });
}
