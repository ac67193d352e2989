/** The backup storage in this browser: status, verify, retention, export and import. */
import { formatBytes } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useApp, useI18n } from '../state/hooks.ts';
import { ErrorNotice } from './ErrorNotice.tsx';
import { RetentionForm } from './RetentionForm.tsx';
import { VaultTransfer } from './VaultTransfer.tsx';
import { VaultVerify } from './VaultVerify.tsx';

export default function VaultPanel() {
  const { t, lang } = useI18n();
  const status = useApp('vault', (s) => s.status);
  const error = useApp('vault', (s) => s.error);
  return (
    <section className="panel vault" aria-labelledby="vault-heading">
      <h2 id="vault-heading">{t('vault.heading')}</h2>
      {status && (
        <>
          <p>{t('vault.status', { backups: countOf(t, lang, 'backups', status.backups), cards: countOf(t, lang, 'cards', status.cards), size: formatBytes(lang, status.bytes) })}</p>
          <p className="muted small">{status.persistent ? t('vault.persistent') : t('vault.notPersistent')}</p>
        </>
      )}
      {error && <ErrorNotice code={error.code} />}
      <VaultVerify />
      <RetentionForm />
      <VaultTransfer />
    </section>
  );
}
