/** Top bar: the product, the reader/card status, language, disconnect. */
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { LanguageSwitch } from './LanguageSwitch.tsx';
import { Logo } from './Logo.tsx';

export function Header() {
  const { t } = useI18n();
  const state = useApp('connection', (s) => s.state);
  const { card } = useActions();
  const connected = state.status === 'card-present' || state.status === 'card-absent';
  return (
    <header className="topbar">
      <div className="topbar-inner">
        <div className="brand">
          <Logo />
          <h1>{t('app.title')}</h1>
        </div>
        <div className="topbar-tools">
          {state.status !== 'no-reader' && (
            <span className={`status-pill status-${state.status}`}>
              <span className="status-dot" aria-hidden="true" />
              {t(`status.${state.status}`)}
              {connected && state.reader.kind === 'demo' && <span className="status-demo">{t('status.demo')}</span>}
            </span>
          )}
          <LanguageSwitch />
          {connected && (
            <button type="button" className="btn btn-quiet" onClick={() => void card.disconnect()}>
              {t('header.disconnect')}
            </button>
          )}
        </div>
      </div>
    </header>
  );
}
