/** Export the vault to a file, import one. */
import { useRef } from 'react';
import { countOf } from '../i18n/index.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';

function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

export function VaultTransfer() {
  const { t, lang } = useI18n();
  const { vault } = useActions();
  const busy = useApp('vault', (s) => s.busy);
  const imported = useApp('vault', (s) => s.imported);
  const file = useRef<HTMLInputElement>(null);
  const exportNow = async () => {
    const blob = await vault.exportVault();
    if (blob) download(blob, `icvault-${new Date().toISOString().slice(0, 10)}.icvault`);
  };
  return (
    <div className="vault-block">
      <h3>{t('transfer.heading')}</h3>
      <p className="muted">{t('transfer.help')}</p>
      <div className="button-row">
        <button type="button" className="btn btn-secondary" disabled={busy !== null} onClick={() => void exportNow()}>
          {t('transfer.export')}
        </button>
        <button type="button" className="btn btn-secondary" disabled={busy !== null} onClick={() => file.current?.click()}>
          {t('transfer.import')}
        </button>
        <input ref={file} type="file" className="visually-hidden" tabIndex={-1} aria-hidden="true" data-testid="import-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void vault.importVault(f);
          }} />
      </div>
      <p aria-live="polite" className="muted">
        {imported && t('transfer.imported', { backups: countOf(t, lang, 'backups', imported.backups), cards: countOf(t, lang, 'cards', imported.cards) })}
      </p>
    </div>
  );
}
