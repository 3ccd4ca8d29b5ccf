import { Suspense, lazy, useEffect, useState } from 'react';
import { Redirect, Route, Switch, useLocation } from 'wouter';
import type { FeatureCollection } from 'geojson';
import type { Category } from '../shared/domain/types.ts';
import { api } from './api/http.ts';
import { selectUser, setUser, useAppStore, type DistrictName } from './store/cityStore.ts';
import { LoginPage } from './pages/LoginPage.tsx';
import { homeOf } from './pages/routes.ts';
import { LiveBridge, setCurrentBridge } from './realtime/liveBridge.ts';
import { initialState } from './store/cityStore.ts';
import { bridgeScheduler } from './features/perf/perfProbe.ts';
import { requestEarlyMetrics } from './features/kpis/useEarlyMetrics.ts';

// The big screen carries the map and chart libraries: load it only when it is opened — and when
// the page opens on it, start at once, alongside the sign-in check rather than after it (a wall
// screen's first figures wait for this code; the server is busy with the snapshot soon after).
const loadScreenPage = () => import('./pages/ScreenPage.tsx');
const onScreen = () => location.pathname.startsWith('/screen');
const screenModule = onScreen() ? loadScreenPage() : null;
const ScreenPage = lazy(() => (screenModule ?? loadScreenPage()).then((m) => ({ default: m.ScreenPage })));
const DispatchPage = lazy(() => import('./pages/DispatchPage.tsx').then((m) => ({ default: m.DispatchPage })));
const FieldPage = lazy(() => import('./pages/FieldPage.tsx').then((m) => ({ default: m.FieldPage })));
const AdminDeadlinesPage = lazy(() => import('./pages/AdminDeadlinesPage.tsx').then((m) => ({ default: m.AdminDeadlinesPage })));
const SupervisePage = lazy(() => import('./pages/SupervisePage.tsx').then((m) => ({ default: m.SupervisePage })));
const AdminPage = lazy(() => import('./pages/AdminPage.tsx').then((m) => ({ default: m.AdminPage })));

/** Names the screens need to label things: categories and districts, loaded once per sign-in. */
async function loadReference(): Promise<void> {
  const [{ categories }, districts, city] = await Promise.all([
    api.get<{ categories: Category[] }>('/api/categories'),
    api.get<FeatureCollection<null, { id: string; name: string; nameZh: string }>>('/api/geo/districts'),
    api.get<{ timeZone: string }>('/api/city'),
  ]);
  const names: Record<string, DistrictName> = {};
  for (const f of districts.features) names[f.properties.id] = { name: f.properties.name, nameZh: f.properties.nameZh };
  useAppStore.setState((s) => ({ ui: { ...s.ui, timeZone: city.timeZone, categories: Object.fromEntries(categories.map((c) => [c.code, c])), districts: names } }));
}

export function App() {
  const user = useAppStore(selectUser);
  const [checked, setChecked] = useState(false);

  useEffect(() => {
    api
      .me()
      .then(({ user: me }) => setUser(me))
      .catch(() => setUser(null))
      .finally(() => setChecked(true));
  }, []);

  const [, navigate] = useLocation();
  useEffect(() => {
    if (!user) return;
    void loadReference().catch(() => undefined);
    // Before the live connection: the server answers it ahead of building the snapshot.
    if (onScreen()) void requestEarlyMetrics();
    // One live connection for every page of a signed-in session.
    const bridge = new LiveBridge(useAppStore, bridgeScheduler(), () => {
      setUser(null);
      navigate('/login', { replace: true });
    });
    bridge.connect();
    setCurrentBridge(bridge);
    return () => {
      setCurrentBridge(null);
      bridge.disconnect();
      // Whoever signs in next starts from their own snapshot, not this user's picture of the city.
      const { ui } = useAppStore.getState();
      useAppStore.setState({ ...initialState(ui.locale), ui: { ...ui, user: useAppStore.getState().ui.user } });
    };
  }, [user, navigate]);

  if (!checked) return null;
  if (!user) {
    return (
      <Switch>
        <Route path="/login" component={LoginPage} />
        <Route>
          <Redirect to="/login" replace />
        </Route>
      </Switch>
    );
  }
  return (
    <Suspense fallback={null}>
      <Switch>
        <Route path="/login">
          <Redirect to={homeOf(user.role)} replace />
        </Route>
        <Route path="/screen" component={ScreenPage} />
        <Route path="/dispatch" component={DispatchPage} />
        <Route path="/field" component={FieldPage} />
        <Route path="/supervise" component={SupervisePage} />
        <Route path="/admin/deadlines" component={AdminDeadlinesPage} />
        <Route path="/admin" component={AdminPage} />
        <Route>
          <Redirect to={homeOf(user.role)} replace />
        </Route>
      </Switch>
    </Suspense>
  );
}
