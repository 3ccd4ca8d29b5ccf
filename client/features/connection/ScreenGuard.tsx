// Catches a render failure anywhere on the big screen (and fatal runs of uncaught errors), says
// so to the room, and reloads the page after a few seconds.

import { Component, useEffect, useState, type ReactNode } from 'react';
import { translate } from '../../../shared/i18n/index.ts';
import { useAppStore } from '../../store/cityStore.ts';
import { WATCHDOG, installWatchdog, scheduleReload } from './watchdog.ts';

function RestartNotice() {
  const locale = useAppStore.getState().ui.locale;
  return (
    <div className="restart" role="alert" data-testid="screen-restart">
      {translate(locale, 'watchdog.restarting', { s: Math.round(WATCHDOG.reloadDelayMs / 1000) })}
    </div>
  );
}

export class ScreenGuard extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };

  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }

  override componentDidCatch(error: Error): void {
    console.error('screen failed', error);
    scheduleReload();
  }

  override render() {
    return this.state.failed ? <RestartNotice /> : <FatalErrors>{this.props.children}</FatalErrors>;
  }
}

function FatalErrors({ children }: { children: ReactNode }) {
  const [fatal, setFatal] = useState(false);
  useEffect(() => {
    installWatchdog(() => {
      if (scheduleReload()) setFatal(true);
    });
  }, []);
  return (
    <>
      {fatal && <RestartNotice />}
      {children}
    </>
  );
}
