// While an officer has the field view open on duty, the unit's position is shared from the
// phone's GPS: at most every 10 s, and only when it moved more than a few metres.

import { useEffect, useState } from 'react';
import { distanceMeters } from '../../../shared/domain/geo.ts';
import type { LonLat } from '../../../shared/domain/types.ts';

const MIN_INTERVAL_MS = 10_000;
const MIN_MOVE_M = 5;

export function useSharePosition(unitId: string | undefined): boolean {
  const [sharing, setSharing] = useState(false);
  useEffect(() => {
    if (!unitId || !('geolocation' in navigator)) return;
    let last: { at: number; where: LonLat } | null = null;
    const watch = navigator.geolocation.watchPosition(
      (pos) => {
        setSharing(true);
        const where: LonLat = [pos.coords.longitude, pos.coords.latitude];
        const now = Date.now();
        if (last && (now - last.at < MIN_INTERVAL_MS || distanceMeters(last.where, where) < MIN_MOVE_M)) return;
        last = { at: now, where };
        void fetch(`/api/units/${encodeURIComponent(unitId)}/position`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ location: where, at: new Date(pos.timestamp || now).toISOString() }),
        }).catch(() => undefined);
      },
      () => setSharing(false),
      { enableHighAccuracy: true, maximumAge: 5_000 },
    );
    return () => navigator.geolocation.clearWatch(watch);
  }, [unitId]);
  return sharing;
}
