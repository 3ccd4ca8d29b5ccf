import { useCallback } from 'react';
import { translate, isLocale, type Locale, type MessageKey } from '../../shared/i18n/index.ts';
import { selectLocale, useAppStore } from '../store/cityStore.ts';

const STORAGE_KEY = 'city.locale';

/** The translate function for the current language. */
export function useT(): (key: MessageKey, params?: Record<string, string | number>) => string {
  const locale = useAppStore(selectLocale);
  return useCallback((key, params) => translate(locale, key, params), [locale]);
}

/** Language from `?lang=`, else the saved choice, else zh-CN. */
export function initialLocale(search: string, saved: string | null): Locale {
  const fromUrl = new URLSearchParams(search).get('lang');
  if (isLocale(fromUrl)) return fromUrl;
  if (isLocale(saved)) return saved;
  return 'zh-CN';
}

export function loadLocale(): Locale {
  let saved: string | null = null;
  try {
    saved = localStorage.getItem(STORAGE_KEY);
  } catch {
    saved = null;
  }
  return initialLocale(location.search, saved);
}

export function saveLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {
    // Private windows may refuse storage; the choice then lasts for this page only.
  }
}
