// One store in slices: connection health, the city (the reducer's state), the live feed, and UI.
// Views read it through named selectors; the map and charts subscribe imperatively.

import { create } from 'zustand';
import { emptyCity, type CityState } from '../../shared/domain/cityReducer.ts';
import type { Category, User } from '../../shared/domain/types.ts';
import type { Locale } from '../../shared/i18n/index.ts';
import type { FeedItem } from '../features/feed/feedItems.ts';
import type { Presence } from '../../shared/protocol/changes.ts';
import { noChanges, type FlushChanges } from './commitDelta.ts';

export type ConnectionState = 'connecting' | 'live' | 'reconnecting' | 'offline';

export interface ConnectionSlice {
  state: ConnectionState;
  /** When the last message from the server arrived (ms since epoch). */
  lastDataAt: number | null;
  /** When the connection dropped; null while connected. */
  disconnectedAt: number | null;
}

export interface DistrictName {
  name: string;
  nameZh: string;
}

export interface UiSlice {
  locale: Locale;
  /** The city's time zone: clocks and hourly charts show city time, whatever the browser's zone. */
  timeZone: string;
  user: User | null;
  categories: Record<string, Category>;
  districts: Record<string, DistrictName>;
}

export interface AppState {
  connection: ConnectionSlice;
  city: CityState;
  /** The ids the last flush changed (sensor readings are written in place: follow these). */
  changes: FlushChanges;
  feed: FeedItem[];
  ui: UiSlice;
  /** Who else has each incident open (desk roles only). */
  presence: Record<string, Presence['viewers']>;
}

export function initialState(locale: Locale): AppState {
  return {
    connection: { state: 'connecting', lastDataAt: null, disconnectedAt: null },
    city: emptyCity(),
    changes: noChanges(true),
    feed: [],
    ui: { locale, timeZone: 'UTC', user: null, categories: {}, districts: {} },
    presence: {},
  };
}

export const useAppStore = create<AppState>(() => initialState('zh-CN'));

// Named selectors: each returns a stored reference, so a component re-renders only when it changes.
export const selectLocale = (s: AppState) => s.ui.locale;
export const selectUser = (s: AppState) => s.ui.user;
export const selectConnection = (s: AppState) => s.connection;
export const selectMetrics = (s: AppState) => s.city.metrics;
export const selectFeed = (s: AppState) => s.feed;
export const selectCategories = (s: AppState) => s.ui.categories;
export const selectDistricts = (s: AppState) => s.ui.districts;
export const selectTimeZone = (s: AppState) => s.ui.timeZone;

export function setLocale(locale: Locale): void {
  useAppStore.setState((s) => ({ ui: { ...s.ui, locale } }));
}

export function setUser(user: User | null): void {
  useAppStore.setState((s) => ({ ui: { ...s.ui, user } }));
}
