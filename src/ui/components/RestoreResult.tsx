/**
 * After a restore: what came back, and why e-money and points are zero (the patent's
 * reasoning, fig. 20: like the cash in a lost wallet).
 */
import type { RestoreResult as Result } from '../model.ts';
import { formatValue } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useI18n } from '../state/hooks.ts';

export function RestoreResult({ result }: { result: Result }) {
  const { t, lang } = useI18n();
  const anyReset = result.apps.some((a) => a.valueReset);
  return (
    <div className="restore-result" data-testid="restore-result">
      <p className="notice notice-ok">
        {t(result.target === 'this' ? 'result.body.this' : 'result.body.other', { seq: result.seq, pages: countOf(t, lang, 'pages', result.pages) })}
      </p>
      <h3>{t('result.apps')}</h3>
      <ul className="result-apps">
        {result.apps.map((a) => (
          <li key={a.kind} className={a.valueReset ? 'result-app reset' : 'result-app'} data-app={a.kind}>
            <span className={`swatch owner-${a.kind}`} aria-hidden="true" />
            <span className="result-app-name">{t(`appname.${a.kind}`)}</span>
            <span className="result-app-state">
              {a.valueReset ? t('result.valueReset') : t('result.dataBack')}
              {a.valueReset && a.valueInBackup && (
                <span className="muted small"> · {t('result.valueWas', { value: formatValue(lang, t, a.valueInBackup) })}</span>
              )}
            </span>
          </li>
        ))}
      </ul>
      {anyReset && (
        <div className="why" data-testid="why-zero">
          <h3>{t('result.why.title')}</h3>
          <p>{t('result.why.body')}</p>
          <p className="why-tip">{t('result.why.tip')}</p>
        </div>
      )}
    </div>
  );
}
