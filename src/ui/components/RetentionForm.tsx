/** Retention: set the policy, preview (dry run) what would go, then remove. */
import type { FormEvent } from 'react';
import { formatBytes } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';

const clampInt = (v: string, min: number, max: number) => Math.min(max, Math.max(min, Math.floor(Number(v)) || min));

export function RetentionForm() {
  const { t, lang } = useI18n();
  const { vault } = useActions();
  const policy = useApp('vault', (s) => s.policy);
  const result = useApp('vault', (s) => s.retention);
  const busy = useApp('vault', (s) => s.busy);
  const preview = (e: FormEvent) => {
    e.preventDefault();
    void vault.retention(true);
  };
  const canApply = result?.dryRun === true && result.removedSeqs.length > 0;
  return (
    <form className="vault-block retention" onSubmit={preview}>
      <h3>{t('retention.heading')}</h3>
      <div className="form-grid">
        <label htmlFor="keep-last">{t('retention.keepLast')}</label>
        <input id="keep-last" type="number" min={1} max={100000} value={policy.keepLast}
          onChange={(e) => vault.setPolicy({ ...policy, keepLast: clampInt(e.target.value, 1, 100000) })} />
        <label htmlFor="keep-days">{t('retention.keepDays')}</label>
        <input id="keep-days" type="number" min={0} max={3650} value={policy.keepDailyDays}
          onChange={(e) => vault.setPolicy({ ...policy, keepDailyDays: clampInt(e.target.value, 0, 3650) })} />
      </div>
      <div className="button-row">
        <button type="submit" className="btn btn-secondary" disabled={busy !== null}>
          {t('retention.preview')}
        </button>
        <button type="button" className="btn btn-danger" disabled={busy !== null || !canApply} onClick={() => void vault.retention(false)}>
          {t('retention.apply')}
        </button>
      </div>
      <p aria-live="polite" className="muted" data-testid="retention-result">
        {result &&
          (result.removedSeqs.length === 0
            ? t('retention.none')
            : t(result.dryRun ? 'retention.willRemove' : 'retention.removed', {
                backups: countOf(t, lang, 'backups', result.removedSeqs.length),
                size: formatBytes(lang, result.freedBytes),
              }))}
      </p>
    </form>
  );
}
