// The vital signs before the first snapshot. A big city's snapshot (tens of thousands of incidents
// and sensors) takes seconds to read, send and apply; the summary is one small request. The figures
// are the server's either way (`GET /api/metrics/summary`, scoped to the caller like the stream),
// and the snapshot, once applied, replaces them with the stream's.

import { useEffect } from 'react';
import type { CityMetrics } from '../../../shared/domain/types.ts';
import { api } from '../../api/http.ts';
import { useAppStore } from '../../store/cityStore.ts';

export function useEarlyMetrics(): void {
  useEffect(() => {
    if (useAppStore.getState().city.seq > 0) return;
    let cancelled = false;
    api
      .get<CityMetrics>('/api/metrics/summary')
      .then((metrics) => {
        if (cancelled) return;
        // Only into a screen still waiting for its snapshot: never over the stream's figures.
        useAppStore.setState((s) => (s.city.seq === 0 && s.city.metrics === null ? { city: { ...s.city, metrics } } : {}));
      })
      // A role without the summary simply waits for the snapshot.
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);
}
