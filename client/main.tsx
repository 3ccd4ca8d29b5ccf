import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.tsx';
import { loadLocale } from './i18n/useT.ts';
import { setLocale } from './store/cityStore.ts';
import { installPerfProbe } from './features/perf/perfProbe.ts';
import './styles/tokens.css';
import './styles/app.css';

installPerfProbe(location.search);
const locale = loadLocale();
setLocale(locale);
document.documentElement.lang = locale;

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
