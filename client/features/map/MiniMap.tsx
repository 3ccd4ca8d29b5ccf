// A small map of one place, for an incident's detail: the city's streets and a dot.

import { useEffect, useRef } from 'react';
import { Map as MapLibreMap } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import type { LonLat, Severity } from '../../../shared/domain/types.ts';
import { cityStyle, ensureMapSetup } from './mapSetup.ts';
import { SEVERITY_COLORS } from './mapStyle.ts';

export function MiniMap({ location, severity }: { location: LonLat; severity: Severity }) {
  const container = useRef<HTMLDivElement>(null);
  const [lon, lat] = location;
  useEffect(() => {
    ensureMapSetup();
    let map: MapLibreMap | null = null;
    let disposed = false;
    void cityStyle().then((style) => {
      if (disposed || !container.current) return;
      map = new MapLibreMap({ container: container.current, style, center: [lon, lat], zoom: 15, interactive: false, attributionControl: { compact: true }, fadeDuration: 0 });
      map.on('load', () => {
        map?.addSource('here', { type: 'geojson', data: { type: 'Feature', geometry: { type: 'Point', coordinates: [lon, lat] }, properties: {} } });
        map?.addLayer({ id: 'here', type: 'circle', source: 'here', paint: { 'circle-radius': 8, 'circle-color': SEVERITY_COLORS[severity], 'circle-stroke-color': '#fff', 'circle-stroke-width': 2 } });
      });
    });
    return () => {
      disposed = true;
      map?.remove();
    };
  }, [lon, lat, severity]);
  return <div ref={container} className="minimap" data-testid="mini-map" />;
}
