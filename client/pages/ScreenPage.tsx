import { Suspense, lazy } from 'react';
import { KpiTiles } from '../features/kpis/KpiTiles.tsx';
import { LiveFeed } from '../features/feed/LiveFeed.tsx';
import { ConnectionBanner } from '../features/connection/ConnectionBanner.tsx';
import { MapLegend } from '../features/map/MapLegend.tsx';
import { TopBar } from './TopBar.tsx';

// MapLibre and ECharts are the two heavy libraries: each in its own chunk, loaded in parallel.
const CityMap = lazy(() => import('../features/map/CityMap.tsx').then((m) => ({ default: m.CityMap })));
const TrendChart = lazy(() => import('../features/charts/TrendChart.tsx').then((m) => ({ default: m.TrendChart })));

/** The big screen (一屏观天下): map in the middle, vital signs and trend left, live feed right. */
export function ScreenPage() {
  return (
    <div className="screen">
      <TopBar />
      <ConnectionBanner />
      <main className="screen__body">
        <aside className="screen__left">
          <KpiTiles />
          <Suspense fallback={<section className="panel trend" />}>
            <TrendChart />
          </Suspense>
        </aside>
        <section className="screen__map">
          <Suspense fallback={<div className="city-map" data-testid="city-map" data-map-state="loading" />}>
            <CityMap />
          </Suspense>
          <MapLegend />
        </section>
        <aside className="screen__right">
          <LiveFeed />
        </aside>
      </main>
    </div>
  );
}
