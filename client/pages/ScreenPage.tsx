import { useEffect } from 'react';
import { useLocation } from 'wouter';
import { CityMap } from '../features/map/CityMap.tsx';
import { KpiTiles } from '../features/kpis/KpiTiles.tsx';
import { TrendChart } from '../features/charts/TrendChart.tsx';
import { LiveFeed } from '../features/feed/LiveFeed.tsx';
import { ConnectionBanner } from '../features/connection/ConnectionBanner.tsx';
import { MapLegend } from '../features/map/MapLegend.tsx';
import { LiveBridge } from '../realtime/liveBridge.ts';
import { useAppStore } from '../store/cityStore.ts';
import { TopBar } from './TopBar.tsx';

/** The big screen (一屏观天下): map in the middle, vital signs and trend left, live feed right. */
export function ScreenPage() {
  const [, navigate] = useLocation();
  useEffect(() => {
    const bridge = new LiveBridge(useAppStore, undefined, () => navigate('/login', { replace: true }));
    bridge.connect();
    return () => bridge.disconnect();
  }, [navigate]);

  return (
    <div className="screen">
      <TopBar />
      <ConnectionBanner />
      <main className="screen__body">
        <aside className="screen__left">
          <KpiTiles />
          <TrendChart />
        </aside>
        <section className="screen__map">
          <CityMap />
          <MapLegend />
        </section>
        <aside className="screen__right">
          <LiveFeed />
        </aside>
      </main>
    </div>
  );
}
