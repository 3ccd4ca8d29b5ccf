import { Link } from 'wouter';
import type { MessageKey } from '../../shared/i18n/index.ts';
import { useT } from '../i18n/useT.ts';
import { TopBar } from './TopBar.tsx';

export function ComingSoonPage({ titleKey }: { titleKey: MessageKey }) {
  const t = useT();
  return (
    <div className="screen">
      <TopBar />
      <main className="soon">
        <h2>{t(titleKey)}</h2>
        <p>{t('comingSoon.title')} — {t('comingSoon.body')}</p>
        <Link href="/screen" className="btn btn--primary">
          {t('nav.screen')}
        </Link>
      </main>
    </div>
  );
}
