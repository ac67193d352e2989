/**
 * The recovery code, shown once (docs/issuer.md): at the card's first registration the
 * issuer answers it once and keeps only a slow hash. The dialog stays until the holder
 * says it is written down; then the app forgets it too.
 */
import { useState } from 'react';
import { formatCardNumber } from '../format.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { Dialog } from './Dialog.tsx';

export function RecoveryCodeDialog() {
  const { t } = useI18n();
  const { issuer } = useActions();
  const recovery = useApp('issuer', (s) => s.recovery);
  const [copied, setCopied] = useState(false);
  if (!recovery) return null;
  const copy = () => {
    void navigator.clipboard?.writeText(recovery.code).then(
      () => setCopied(true),
      () => setCopied(false),
    );
  };
  return (
    // Escape does not dismiss it: the code is never shown again.
    <Dialog labelledBy="recovery-title" onClose={() => undefined} className="recovery-dialog">
      <h2 id="recovery-title">{t('recovery.title')}</h2>
      <p className="muted">{t('recovery.card', { card: formatCardNumber(recovery.cardNumber) })}</p>
      <p>{t('recovery.body')}</p>
      <p className="recovery-code" data-testid="recovery-code" aria-label={t('recovery.title')}>
        {recovery.code}
      </p>
      <div className="dialog-actions">
        <button type="button" className="btn btn-secondary" onClick={copy}>
          {t('recovery.copy')}
        </button>
        <button type="button" className="btn btn-primary" onClick={() => issuer.recoveryWrittenDown()}>
          {t('recovery.confirm')}
        </button>
      </div>
      <p className="small" role="status">
        {copied ? t('recovery.copied') : ''}
      </p>
    </Dialog>
  );
}
