import { Suspense, lazy } from 'react';
import { KpiTiles } from '../features/kpis/KpiTiles.tsx';
import { LiveFeed } from '../features/feed/LiveFeed.tsx';
import { HotspotList } from '../features/feed/HotspotList.tsx';
import { ConnectionBanner } from '../features/connection/ConnectionBanner.tsx';
import { ScreenGuard } from '../features/connection/ScreenGuard.tsx';
import { MapLegend } from '../features/map/MapLegend.tsx';
import { MapCard } from '../features/map/MapCard.tsx';
import { TopBar } from './TopBar.tsx';
import '../styles/screen.css';

// MapLibre and ECharts are the two heavy libraries: each in its own chunk, both asked for as soon
// as this module loads (not when the page first renders), in parallel.
const cityMapModule = import('../features/map/CityMap.tsx');
const chartsModule = import('../features/charts/ScreenCharts.tsx');
const CityMap = lazy(() => cityMapModule.then((m) => ({ default: m.CityMap })));
const ScreenCharts = lazy(() => chartsModule.then((m) => ({ default: m.ScreenCharts })));

/**
 * The big screen (一屏观天下): vital signs left, the map in the middle, the live feed and hotspots
 * right, the charts in a strip along the bottom. Sized in rem so it scales from a laptop to a wall.
 */
export function ScreenPage() {
  return (
    <ScreenGuard>
      <div className="screen screen--big">
        <TopBar />
        <ConnectionBanner />
        <main className="screen__body">
          <aside className="screen__left">
            <KpiTiles />
          </aside>
          <section className="screen__map">
            <Suspense fallback={<div className="city-map" data-testid="city-map" data-map-state="loading" />}>
              <CityMap />
            </Suspense>
            <MapLegend />
            <MapCard />
          </section>
          <aside className="screen__right">
            <LiveFeed />
            <HotspotList />
          </aside>
          <Suspense fallback={<div className="screen__charts" />}>
            <ScreenCharts />
          </Suspense>
        </main>
      </div>
    </ScreenGuard>
  );
}
