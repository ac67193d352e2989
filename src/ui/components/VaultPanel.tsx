/** The backup storage in this browser: status, storage health (space, persistence), verify, retention, export and import. */
import { formatBytes } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { StorageHealth } from './StorageHealth.tsx';
import { ErrorNotice } from './ErrorNotice.tsx';
import { RetentionForm } from './RetentionForm.tsx';
import { VaultTransfer } from './VaultTransfer.tsx';
import { VaultVerify } from './VaultVerify.tsx';

export default function VaultPanel() {
  const { t, lang } = useI18n();
  const status = useApp('vault', (s) => s.status);
  const health = useApp('vault', (s) => s.health);
  const { vault } = useActions();
  // "Clean up old backups…" goes to the retention form's first field.
  const cleanUp = () => document.getElementById('keep-last')?.focus();
  const error = useApp('vault', (s) => s.error);
  return (
    <section className="panel vault" aria-labelledby="vault-heading">
      <h2 id="vault-heading">{t('vault.heading')}</h2>
      {status && (
        <>
          <p>{t('vault.status', { backups: countOf(t, lang, 'backups', status.backups), cards: countOf(t, lang, 'cards', status.cards), size: formatBytes(lang, status.bytes) })}</p>
          {!health && <p className="muted small">{status.persistent ? t('vault.persistent') : t('vault.notPersistent')}</p>}
        </>
      )}
      {health && <StorageHealth health={health} t={t} lang={lang} onCleanUp={cleanUp} onPersist={() => void vault.keepStorage()} />}
      {error && <ErrorNotice code={error.code} />}
      <VaultVerify />
      <RetentionForm />
      <VaultTransfer />
    </section>
  );
}
