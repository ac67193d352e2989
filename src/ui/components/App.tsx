/** The app's shell: header, live announcements, connect screen or dashboard, PIN dialog. */
import { useEffect } from 'react';
import { AppContext, useApp, useI18n, type AppContextValue } from '../state/hooks.ts';
import { ConnectScreen } from './ConnectScreen.tsx';
import { Dashboard } from './Dashboard.tsx';
import { Header } from './Header.tsx';
import { LiveRegion } from './LiveRegion.tsx';
import { PinDialog } from './PinDialog.tsx';

function Shell() {
  const { t, lang } = useI18n();
  const state = useApp('connection', (s) => s.state);
  useEffect(() => {
    document.documentElement.lang = lang;
  }, [lang]);
  const connected = state.status === 'card-present' || state.status === 'card-absent';
  return (
    <>
      <a className="skip-link" href="#main">
        {t('skip.main')}
      </a>
      <Header />
      <LiveRegion />
      <main className="main" id="main" tabIndex={-1}>
        {connected ? <Dashboard demo={state.reader.kind === 'demo'} /> : <ConnectScreen />}
      </main>
      <PinDialog />
      <footer className="footer">
        <p>{t('app.footer')}</p>
      </footer>
    </>
  );
}

export function App({ value }: { value: AppContextValue }) {
  return (
    <AppContext.Provider value={value}>
      <Shell />
    </AppContext.Provider>
  );
}
