// Legend and layer controls over the map: what each colour and mark means, which layers show,
// how districts are shaded and which time window the incidents cover. Works without a pointer
// too: the same choices come from the URL (`?hide=heat,grids&shading=risk&window=6h`).

import { SEVERITIES } from '../../../shared/domain/types.ts';
import type { MessageKey } from '../../../shared/i18n/index.ts';
import { useT } from '../../i18n/useT.ts';
import { TIME_WINDOWS } from './mapData.ts';
import { OVERDUE_COLOR, RISK_COLOR, SENSOR_KIND_COLORS, SEVERITY_COLORS, SHADING_STOPS, UNIT_COLORS } from './mapStyle.ts';
import { MAP_LAYERS, setShading, setTimeWindow, toggleLayer, useScreenMap } from './screenMapStore.ts';

export function MapLegend() {
  const t = useT();
  const layers = useScreenMap((s) => s.layers);
  const shading = useScreenMap((s) => s.shading);
  const timeWindow = useScreenMap((s) => s.timeWindow);
  return (
    <div className="map-controls" data-testid="map-legend">
      <div className="legend">
        <span className="legend__title">{t('map.legend.title')}</span>
        {SEVERITIES.map((s) => (
          <span key={s} className="legend__item">
            <span className="legend__dot" style={{ background: SEVERITY_COLORS[s] }} />
            {t(`severity.${s}` as MessageKey)}
          </span>
        ))}
        <span className="legend__item">
          <span className="legend__ring" style={{ borderColor: OVERDUE_COLOR }} />
          {t('map.legend.overdue')}
        </span>
        <span className="legend__item">
          <span className="legend__ring" style={{ borderColor: RISK_COLOR }} />
          {t('map.legend.risk')}
        </span>
        {layers.districts && (
          // What the district colours mean: the shading chosen, from none to most.
          <span className="legend__item" data-testid="legend-shading">
            <span className="legend__ramp" style={{ background: `linear-gradient(to right, ${SHADING_STOPS[shading].map(([, c]) => c).join(', ')})` }} />
            {t(`map.shading.${shading}` as MessageKey)}
          </span>
        )}
        <span className="legend__item">
          <span className="legend__mix" />
          {t('map.legend.cluster')}
        </span>
        <span className="legend__item">
          <span className="legend__dot" style={{ background: UNIT_COLORS.available }} />
          {t('map.legend.unitAvailable')}
        </span>
        <span className="legend__item">
          <span className="legend__dot" style={{ background: UNIT_COLORS.busy }} />
          {t('map.legend.unitBusy')}
        </span>
        {Object.entries(SENSOR_KIND_COLORS).map(([kind, color]) => (
          <span key={kind} className="legend__item legend__item--small">
            <span className="legend__dot legend__dot--small" style={{ background: color }} />
            {t(`sensorKind.${kind}` as MessageKey)}
          </span>
        ))}
        <span className="legend__item legend__item--small">
          <span className="legend__ring legend__ring--small" style={{ borderColor: SEVERITY_COLORS.critical }} />
          {t('map.legend.sensorAlarm')}
        </span>
      </div>
      <div className="map-toggles" role="group" aria-label={t('map.layers')}>
        {MAP_LAYERS.map((layer) => (
          <button key={layer} type="button" className={layers[layer] ? 'chip chip--on' : 'chip'} aria-pressed={layers[layer]} data-layer={layer} onClick={() => toggleLayer(layer)}>
            {t(`map.layer.${layer}` as MessageKey)}
          </button>
        ))}
        <span className="map-toggles__sep" />
        {(['open', 'risk'] as const).map((mode) => (
          <button key={mode} type="button" className={shading === mode ? 'chip chip--on' : 'chip'} aria-pressed={shading === mode} onClick={() => setShading(mode)}>
            {t(`map.shading.${mode}` as MessageKey)}
          </button>
        ))}
        <span className="map-toggles__sep" />
        {TIME_WINDOWS.map((w) => (
          <button key={w} type="button" className={timeWindow === w ? 'chip chip--on' : 'chip'} aria-pressed={timeWindow === w} data-window={w} onClick={() => setTimeWindow(w)}>
            {t(`map.window.${w}` as MessageKey)}
          </button>
        ))}
      </div>
    </div>
  );
}
