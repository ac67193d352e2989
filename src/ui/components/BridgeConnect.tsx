/**
 * The PC/SC bridge as a reader source: a button that opens a small form asking for the
 * pairing code `npm run bridge` printed (docs/bridge.md), then connects through it. Once
 * paired, "Reconnect" connects with the kept pairing token, no code typed (a token the
 * bridge no longer knows is forgotten and the form asks for the code again).
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import type { ServiceErrorCode } from '../errors.ts';
import { useActions, useI18n } from '../state/hooks.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { appBridgeSettings, BRIDGE_DEFAULT_PORT } from '../services/bridge-settings.ts';

/** "482 913", "482-913" → "482913"; anything but 6 digits → null. */
export function pairingDigits(input: string): string | null {
  const digits = input.replace(/[\s-]/g, '');
  return /^\d{6}$/.test(digits) ? digits : null;
}

export function BridgeConnect({ busy, connecting, failed }: { busy: boolean; connecting: boolean; failed: ServiceErrorCode | null }) {
  const { t } = useI18n();
  const { card } = useActions();
  const [open, setOpen] = useState(false);
  const [code, setCode] = useState('');
  const [invalid, setInvalid] = useState(false);
  const settings = appBridgeSettings();
  const [port, setPort] = useState(String(settings.port() ?? BRIDGE_DEFAULT_PORT));
  const [portInvalid, setPortInvalid] = useState(false);
  const [paired, setPaired] = useState(settings.pairingToken() !== undefined);
  const [forgotten, setForgotten] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    if (open) input.current?.focus();
  }, [open]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const digits = pairingDigits(code);
    const n = /^\d{1,5}$/.test(port.trim()) ? Number(port.trim()) : NaN;
    const portOk = n >= 1 && n <= 65535;
    setInvalid(digits === null);
    setPortInvalid(!portOk);
    if (digits === null) input.current?.focus();
    else if (portOk) {
      // The default port is not stored, so a later change of the default reaches this page.
      settings.setPort(n === BRIDGE_DEFAULT_PORT ? undefined : n);
      void card.connectBridge(digits).then(() => setPaired(appBridgeSettings().pairingToken() !== undefined));
    }
  };

  return (
    <article className="panel connect-option" aria-labelledby="bridge-title">
      <h3 id="bridge-title">{t('connect.bridge.title')}</h3>
      <p>{t('connect.bridge.body')}</p>
      {paired && !open && (
        <>
          <div className="muted small">{t('connect.bridge.paired')}</div>
          <button type="button" className="btn btn-primary" disabled={busy} onClick={() => void card.connectBridge('').then(() => setPaired(appBridgeSettings().pairingToken() !== undefined))}>
            {connecting ? t('connect.connecting') : t('connect.bridge.reconnect')}
          </button>
        </>
      )}
      {open ? (
        <form className="bridge-form" onSubmit={submit} aria-labelledby="bridge-title" noValidate>
          <label htmlFor="bridge-code">{t('connect.bridge.code')}</label>
          <input
            id="bridge-code"
            ref={input}
            type="text"
            className="bridge-code"
            inputMode="numeric"
            autoComplete="off"
            spellCheck={false}
            maxLength={9}
            value={code}
            onChange={(e) => setCode(e.target.value)}
            aria-describedby={invalid ? 'bridge-invalid bridge-hint' : 'bridge-hint'}
            aria-invalid={invalid}
            disabled={busy}
          />
          <p id="bridge-hint" className="muted small">
            {t('connect.bridge.hint')}
          </p>
          {invalid && (
            <p id="bridge-invalid" className="field-error" role="status">
              {t('connect.bridge.invalid')}
            </p>
          )}
          <label htmlFor="bridge-port">{t('connect.bridge.port')}</label>
          <input
            id="bridge-port"
            type="text"
            inputMode="numeric"
            autoComplete="off"
            maxLength={5}
            value={port}
            onChange={(e) => setPort(e.target.value)}
            aria-describedby={portInvalid ? 'bridge-port-invalid bridge-port-hint' : 'bridge-port-hint'}
            aria-invalid={portInvalid}
            disabled={busy}
          />
          <p id="bridge-port-hint" className="muted small">
            {t('connect.bridge.portHint', { port: BRIDGE_DEFAULT_PORT })}
          </p>
          {portInvalid && (
            <p id="bridge-port-invalid" className="field-error" role="status">
              {t('connect.bridge.portInvalid')}
            </p>
          )}
          <div className="bridge-actions">
            <button type="submit" className="btn btn-secondary" disabled={busy}>
              {connecting ? t('connect.connecting') : t('connect.bridge.connect')}
            </button>
            <button type="button" className="btn btn-quiet" disabled={busy} onClick={() => (setOpen(false), setInvalid(false))}>
              {t('connect.bridge.cancel')}
            </button>
          </div>
        </form>
      ) : (
        <button type="button" className="btn btn-secondary" disabled={busy} onClick={() => setOpen(true)}>
          {t('connect.bridge.button')}
        </button>
      )}
      {paired && (
        <button
          type="button"
          className="btn btn-quiet"
          disabled={busy}
          onClick={() => {
            appBridgeSettings().forgetPairing();
            setPaired(false);
            setForgotten(true);
          }}
        >
          {t('connect.bridge.forget')}
        </button>
      )}
      {forgotten && (
        <p className="muted small" role="status">
          {t('connect.bridge.forgotten')}
        </p>
      )}
      {failed && <ErrorNotice code={failed} />}
    </article>
  );
}
