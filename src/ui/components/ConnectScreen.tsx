/** Start: the demo, a real USB reader, the PC/SC bridge, or (where the browser has it) the Web Smart Card API; failures explained with what to do. */
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { BridgeConnect } from './BridgeConnect.tsx';
import { ConnectHero } from './ConnectHero.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { SmartCardConnect } from './SmartCardConnect.tsx';
import { UsbConnect } from './UsbConnect.tsx';
import { DemoReaderOptions } from './DemoReaderOptions.tsx';
import { hasSmartCardApi } from '../services/smart-card-present.ts';

export function ConnectScreen() {
  const { t } = useI18n();
  const state = useApp('connection', (s) => s.state);
  const { card } = useActions();
  const busy = state.status === 'connecting';
  const failed = state.status === 'error' ? state : null;
  return (
    <section className="connect" aria-labelledby="connect-heading">
      <div className="hero">
        <div className="hero-text">
          <p className="tagline">{t('app.tagline')}</p>
          <h2 id="connect-heading">{t('connect.heading')}</h2>
        </div>
        <ConnectHero />
      </div>
      <div className="connect-options">
        <article className="panel connect-option">
          <h3>{t('connect.demo.title')}</h3>
          <p>{t('connect.demo.body')}</p>
          <DemoReaderOptions disabled={busy} />
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void card.connectDemo()}>
            {busy && state.via === 'demo' ? t('connect.connecting') : t('connect.demo.button')}
          </button>
          {failed?.via === 'demo' && <ErrorNotice code={failed.code} />}
        </article>
        <UsbConnect busy={busy} connecting={busy && state.via === 'usb'} failed={failed?.via === 'usb' ? failed.code : null} />
        {hasSmartCardApi() && (
          <SmartCardConnect
            busy={busy}
            connecting={busy && state.via === 'smartcard'}
            failed={failed?.via === 'smartcard' ? { code: failed.code, reason: failed.reason } : null}
          />
        )}
        <BridgeConnect busy={busy} connecting={busy && state.via === 'bridge'} failed={failed?.via === 'bridge' ? failed.code : null} />
      </div>
      <aside className="how" aria-labelledby="how-heading">
        <h3 id="how-heading">{t('connect.how.title')}</h3>
        <ol>
          <li>{t('connect.how.1')}</li>
          <li>{t('connect.how.2')}</li>
          <li>{t('connect.how.3')}</li>
        </ol>
      </aside>
    </section>
  );
}
