// The card for whatever was clicked on the map (or a new critical incident the camera went to).

import type { MessageKey } from '../../../shared/i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { selectCategories, selectDistricts, selectLocale, selectTimeZone, useAppStore, type AppState } from '../../store/cityStore.ts';
import { sensorReading } from '../../store/commitDelta.ts';
import { formatNumber, formatTime } from '../kpis/kpiFormat.ts';
import { districtLoads, lightOf } from './mapData.ts';
import { select, useScreenMap } from './screenMapStore.ts';

export function MapCard() {
  const t = useT();
  const selected = useScreenMap((s) => s.selected);
  const locale = useAppStore(selectLocale);
  const timeZone = useAppStore(selectTimeZone);
  const categories = useAppStore(selectCategories);
  const districts = useAppStore(selectDistricts);
  // Only the selected object's reference: the card re-renders when that one thing changes.
  const incident = useAppStore((s: AppState) => (selected?.kind === 'incident' ? s.city.incidents.get(selected.id) : undefined));
  const unit = useAppStore((s: AppState) => (selected?.kind === 'unit' ? s.city.units.get(selected.id) : undefined));
  const sensor = useAppStore((s: AppState) => (selected?.kind === 'sensor' ? s.city.sensors.get(selected.id) : undefined));
  // Readings are written into the entry: re-render when what the card shows of it changes.
  useAppStore((s: AppState) => (selected?.kind === 'sensor' ? sensorReading(s.city.sensors.get(selected.id)) : undefined));
  const allIncidents = useAppStore((s: AppState) => (selected?.kind === 'district' ? s.city.incidents : null));
  if (!selected || !(incident || unit || sensor || allIncidents)) return null;
  const districtName = (id: string | null | undefined) => {
    const d = id ? districts[id] : undefined;
    return d ? (locale === 'zh-CN' ? d.nameZh : d.name) : t('feed.unlocated');
  };
  const rows: [string, string][] = [];
  let title = '';
  let badge: { cls: string; text: string } | null = null;
  if (incident) {
    const item = incident;
    const c = item.category ? categories[item.category] : undefined;
    title = c ? (locale === 'zh-CN' ? c.name.zh : c.name.en) : item.title;
    badge = { cls: `badge--${item.severity}`, text: t(`severity.${item.severity}` as MessageKey) };
    rows.push([t('card.code'), item.code], [t('card.status'), t(`status.${item.status}` as MessageKey)], [t('card.district'), districtName(item.districtId)]);
    if (item.address) rows.push([t('card.address'), item.address]);
    rows.push([t('card.reported'), formatTime(item.createdAt, locale, timeZone)]);
    const light = lightOf(item);
    if (light !== 'none') rows.push([t('card.deadline'), t(`light.${light}` as MessageKey)]);
  } else if (unit) {
    const item = unit;
    title = `${item.callsign} · ${locale === 'zh-CN' ? item.name.zh : item.name.en}`;
    rows.push([t('card.status'), t(`unitStatus.${item.status}` as MessageKey)], [t('card.district'), districtName(item.homeDistrictId)]);
  } else if (sensor) {
    const item = sensor;
    title = `${t(`sensorKind.${item.kind}` as MessageKey)} · ${item.id}`;
    rows.push(
      [t('card.value'), item.value === null ? '—' : `${formatNumber(item.value, locale)} ${item.unit}`],
      [t('card.level'), t(`sensorLevel.${item.level}` as MessageKey)],
      [t('card.online'), item.online ? t('card.yes') : t('card.no')],
      [t('card.district'), districtName(item.districtId)],
    );
  } else if (allIncidents) {
    const load = districtLoads(allIncidents)[selected.id];
    title = districtName(selected.id);
    rows.push([t('card.open'), formatNumber(load?.open ?? 0, locale)], [t('card.atRisk'), formatNumber(load?.risk ?? 0, locale)], [t('card.overdue'), formatNumber(load?.overdue ?? 0, locale)]);
  }
  return (
    <aside className="map-card" data-testid="map-card" data-kind={selected.kind} data-id={selected.id}>
      <header className="map-card__head">
        {badge && <span className={`feed__badge ${badge.cls}`}>{badge.text}</span>}
        <h3 className="map-card__title">{title}</h3>
        <button type="button" className="map-card__close" aria-label={t('card.close')} onClick={() => select(null)}>
          ×
        </button>
      </header>
      <dl className="map-card__rows">
        {rows.map(([k, v]) => (
          <div key={k} className="map-card__row">
            <dt>{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
    </aside>
  );
}
