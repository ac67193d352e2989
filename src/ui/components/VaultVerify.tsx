/** Verify the vault (structural; or deep: the card opens every record, after its PIN); damaged backups listed plainly. */
import { useEffect, useRef } from 'react';
import { countOf } from '../i18n/index.ts';
import { damagedSeqs } from '../state/vault.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';

export function VaultVerify() {
  const { t, lang } = useI18n();
  const { vault } = useActions();
  const report = useApp('vault', (s) => s.report);
  const busy = useApp('vault', (s) => s.busy);
  const present = useApp('card', (s) => s.card !== null);
  const damaged = report ? damagedSeqs(report) : [];
  // Each new report takes the focus, so keyboard and screen reader users land on it.
  const result = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (report) result.current?.focus();
  }, [report]);
  return (
    <div className="vault-block">
      <div className="inline-field">
        <button type="button" className="btn btn-secondary" disabled={busy !== null} onClick={() => void vault.verify()}>
          {busy === 'verify' ? t('vault.verify.running') : t('vault.verify')}
        </button>
        <button type="button" className="btn btn-quiet" disabled={busy !== null || !present} aria-describedby="verify-deep-help" onClick={vault.verifyDeep}>
          {t('vault.verify.deepButton')}
        </button>
        <span id="verify-deep-help" className="visually-hidden">
          {t('vault.verify.deep')}
        </span>
      </div>
      <div aria-live="polite" tabIndex={-1} ref={result} className="result-region" data-testid="verify-result">
        {report && damaged.length === 0 && (
          <p className="notice notice-ok" data-testid="verify-ok">
            {t('vault.verify.ok', { backups: countOf(t, lang, 'backups', report.checked) })}
          </p>
        )}
        {report && damaged.length > 0 && (
          <div className="notice notice-error" role="alert" data-testid="verify-damaged">
            <p className="notice-title">{t('vault.verify.bad', { backups: countOf(t, lang, 'backups', damaged.length) })}</p>
            <ul>
              {report.problems.map((p, i) => (
                <li key={`${p.seq}-${i}`} title={p.detail}>
                  {t('vault.damaged.row', { seq: p.seq, problem: t(`problem.${p.kind}`) })}
                </li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </div>
  );
}
