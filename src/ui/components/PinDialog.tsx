/** PIN entry before backup and restore: tries left, wrong PIN, blocked. */
import { useState, type FormEvent } from 'react';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { Dialog } from './Dialog.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { DEMO_PIN } from '../services/demo-pin.ts';

export function PinDialog() {
  const { t } = useI18n();
  const pin = useApp('pin', (s) => s);
  const demo = useApp('connection', (s) => (s.state.status === 'card-present' || s.state.status === 'card-absent') && s.state.reader.kind === 'demo');
  const { transfer } = useActions();
  const [value, setValue] = useState('');
  if (!pin.open || !pin.purpose) return null;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const v = value;
    setValue('');
    void transfer.submitPin(v);
  };
  const close = () => {
    setValue('');
    transfer.cancelPin();
  };
  const tries = pin.triesLeft === 1 ? t('pin.tries.one') : t('pin.tries', { count: pin.triesLeft });

  return (
    <Dialog labelledBy="pin-title" onClose={close} locked={pin.busy} className="pin-dialog">
      <form onSubmit={submit}>
        <h2 id="pin-title">{t(`pin.title.${pin.purpose}`)}</h2>
        {demo && (
          <p className="demo-pin" data-testid="pin-demo">
            {t('pin.demo', { pin: DEMO_PIN })}
          </p>
        )}
        {pin.blocked ? (
          <ErrorNotice code="pin-blocked" />
        ) : (
          <>
            <label htmlFor="pin-input">{t('pin.label')}</label>
            <input
              id="pin-input"
              className="pin-input"
              type="password"
              inputMode="numeric"
              autoComplete="off"
              pattern="[0-9]*"
              minLength={4}
              maxLength={12}
              required
              autoFocus
              value={value}
              aria-describedby="pin-status pin-hint"
              aria-invalid={pin.wrong}
              onChange={(e) => setValue(e.target.value.replace(/\D/g, ''))}
            />
            <p id="pin-status" className={pin.wrong ? 'pin-status pin-wrong' : 'pin-status'} role="status" aria-live="assertive">
              {pin.wrong ? `${t('pin.wrong')} ${tries}` : tries}
            </p>
            <p id="pin-hint" className="muted small">
              {t('pin.hint')}
            </p>
          </>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn btn-quiet" onClick={close} disabled={pin.busy}>
            {pin.blocked ? t('common.close') : t('common.cancel')}
          </button>
          {!pin.blocked && (
            <button type="submit" className="btn btn-primary" disabled={pin.busy || value.length < 4}>
              {pin.busy ? t('pin.checking') : t('pin.submit')}
            </button>
          )}
        </div>
      </form>
    </Dialog>
  );
}
