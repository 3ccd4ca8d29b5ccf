import { useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { api, ApiError } from '../api/http.ts';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useT } from '../i18n/useT.ts';
import { setUser } from '../store/cityStore.ts';
import { homeOf } from './routes.ts';

export function LoginPage() {
  const t = useT();
  const [, navigate] = useLocation();
  const [error, setError] = useState<'failed' | 'throttled' | 'error' | null>(null);
  const [busy, setBusy] = useState(false);

  const handleSubmit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const { user } = await api.login(String(form.get('username') ?? ''), String(form.get('password') ?? ''));
      setUser(user);
      navigate(homeOf(user.role), { replace: true });
    } catch (e) {
      // 429: this account is throttled after repeated failures (it lifts on its own).
      setError(e instanceof ApiError && (e.status === 401 || e.status === 400) ? 'failed' : e instanceof ApiError && e.status === 429 ? 'throttled' : 'error');
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="login">
      <div className="login__lang">
        <LanguageSwitch />
      </div>
      <form className="login__card" onSubmit={handleSubmit}>
        <h1 className="login__title">{t('app.title')}</h1>
        <p className="login__subtitle">{t('login.title')}</p>
        <label className="field">
          <span>{t('login.username')}</span>
          <input name="username" autoComplete="username" autoFocus required />
        </label>
        <label className="field">
          <span>{t('login.password')}</span>
          <input name="password" type="password" autoComplete="current-password" required />
        </label>
        {error && (
          <p className="login__error" role="alert">
            {t(error === 'failed' ? 'login.failed' : error === 'throttled' ? 'login.throttled' : 'login.error')}
          </p>
        )}
        <button type="submit" className="btn btn--primary" disabled={busy}>
          {t('login.submit')}
        </button>
        <p className="login__hint">{t('login.demoHint')}</p>
      </form>
    </main>
  );
}
