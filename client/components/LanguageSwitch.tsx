import { LOCALES, type Locale, type MessageKey } from '../../shared/i18n/index.ts';
import { saveLocale, useT } from '../i18n/useT.ts';
import { selectLocale, setLocale, useAppStore } from '../store/cityStore.ts';

export function LanguageSwitch() {
  const locale = useAppStore(selectLocale);
  const t = useT();
  const handleChoose = (next: Locale) => {
    setLocale(next);
    saveLocale(next);
    document.documentElement.lang = next;
  };
  return (
    <div className="lang" role="group" aria-label={t('lang.switch')} data-testid="lang-switch">
      {LOCALES.map((l) => (
        <button key={l} type="button" className={l === locale ? 'lang__btn lang__btn--on' : 'lang__btn'} aria-pressed={l === locale} onClick={() => handleChoose(l)}>
          {t(`lang.${l}` as MessageKey)}
        </button>
      ))}
    </div>
  );
}
