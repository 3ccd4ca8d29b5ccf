import { useLocation } from 'wouter';
import type { MessageKey } from '../../shared/i18n/index.ts';
import { api } from '../api/http.ts';
import { Clock } from '../components/Clock.tsx';
import { LanguageSwitch } from '../components/LanguageSwitch.tsx';
import { useT } from '../i18n/useT.ts';
import { selectUser, setUser, useAppStore } from '../store/cityStore.ts';

export function TopBar() {
  const t = useT();
  const user = useAppStore(selectUser);
  // The state only: the connection slice is a new object on every store flush.
  const connectionState = useAppStore((s) => s.connection.state);
  const [, navigate] = useLocation();
  const handleLogout = async () => {
    await api.logout().catch(() => undefined);
    setUser(null);
    navigate('/login', { replace: true });
  };
  return (
    <header className="topbar">
      <h1 className="topbar__title">{t('app.title')}</h1>
      <Clock />
      <div className="topbar__right">
        <span className={`conn conn--${connectionState}`} data-testid="connection-state">
          <span className="conn__dot" />
          {t(`connection.${connectionState}` as MessageKey)}
        </span>
        {user?.role === 'admin' && (
          <a className="btn btn--ghost" href="/admin/deadlines" onClick={(e) => { e.preventDefault(); navigate('/admin/deadlines'); }}>
            {t('admin.deadlines')}
          </a>
        )}
        <LanguageSwitch />
        {user && <span className="topbar__user">{user.displayName}</span>}
        <button type="button" className="btn btn--ghost" onClick={handleLogout}>
          {t('nav.logout')}
        </button>
      </div>
    </header>
  );
}
