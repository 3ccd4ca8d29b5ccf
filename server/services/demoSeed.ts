// Demo mode: the accounts and ingest key of CONTRACT.md, created once on an empty database.

import type { Role } from '../../shared/domain/types.ts';
import type { Store } from '../store/Store.ts';
import type { AuthService } from './auth.ts';
import type { CityReference } from './cityReference.ts';

export const DEMO_PASSWORD = 'demo';
export const DEMO_INGEST_KEY = 'demo-ingest-key';

export const DEMO_ACCOUNTS: readonly { username: string; role: Role; displayName: string }[] = [
  { username: 'operator', role: 'operator', displayName: '值班员 Operator' },
  { username: 'dispatcher', role: 'dispatcher', displayName: '调度员 Dispatcher' },
  { username: 'supervisor', role: 'supervisor', displayName: '督办 Supervisor' },
  { username: 'admin', role: 'admin', displayName: '管理员 Admin' },
  { username: 'auditor', role: 'auditor', displayName: '审计员 Auditor' },
  { username: 'officer', role: 'officer', displayName: '网格员 Officer' },
];

/** The officer's unit: the first available unit in the city's busiest central district. */
export function demoOfficerUnit(city: CityReference) {
  const available = city.units.filter((u) => u.status === 'available');
  return available.find((u) => u.homeDistrictId === 'CA32') ?? available[0] ?? city.units[0];
}

export async function seedDemo(store: Store, auth: AuthService, city: CityReference, now: Date): Promise<boolean> {
  if ((await store.countUsers()) > 0) return false;
  const at = now.toISOString();
  const unit = demoOfficerUnit(city);
  for (const account of DEMO_ACCOUNTS) {
    await auth.createUser(
      {
        username: account.username,
        password: DEMO_PASSWORD,
        role: account.role,
        displayName: account.displayName,
        // The demo operator runs the big screen: a kiosk, exempt from the idle timeout.
        kiosk: account.role === 'operator',
        ...(account.role === 'officer' && unit ? { unitId: unit.id, districtId: unit.homeDistrictId } : {}),
      },
      at,
    );
  }
  await auth.createApiKey('demo', at, DEMO_INGEST_KEY);
  return true;
}
