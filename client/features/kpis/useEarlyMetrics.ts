// The vital signs before the first snapshot. A big city's snapshot (tens of thousands of incidents
// and sensors) takes seconds to build, send and apply — and while the server builds it, it answers
// nothing else; the summary is one small request. So a screen asks for the summary before it opens
// its live connection (the request is then served first), and the KPI tiles ask again if it has
// not been asked. The figures are the server's either way (`GET /api/metrics/summary`, scoped to
// the caller like the stream), and the snapshot, once applied, replaces them with the stream's.

import { useEffect } from 'react';
import type { CityMetrics } from '../../../shared/domain/types.ts';
import { api } from '../../api/http.ts';
import { useAppStore } from '../../store/cityStore.ts';

let inFlight: Promise<void> | null = null;

/** Ask for the summary unless it is asked or no longer needed; settles when it has been applied or dropped. */
export function requestEarlyMetrics(): Promise<void> {
  const { city, ui } = useAppStore.getState();
  if (inFlight) return inFlight;
  if (city.seq > 0 || city.metrics !== null || !ui.user) return Promise.resolve();
  const asked = ui.user.id;
  inFlight = api
    .get<CityMetrics>('/api/metrics/summary')
    .then((metrics) => {
      // Only into the same person's screen, still waiting for its snapshot: never over the
      // stream's figures, never into the next person's session.
      useAppStore.setState((s) => (s.ui.user?.id === asked && s.city.seq === 0 && s.city.metrics === null ? { city: { ...s.city, metrics } } : {}));
    })
    // A role without the summary simply waits for the snapshot.
    .catch(() => undefined)
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}

export function useEarlyMetrics(): void {
  useEffect(() => void requestEarlyMetrics(), []);
}
