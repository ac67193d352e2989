/**
 * After a restore: exactly what happened, per application: data back, or, for value,
 * the value kept (protocol v2: value lives outside the backed-up memory, so a restore
 * neither brings a backup's balance back nor takes the card's away; docs/trust.md
 * "Value"). Onto a new card the value is its own (zero) until the issuer re-issues the lost
 * card's balance from its ledger (fig. 21): its service does so right after the restore.
 */
import type { RestoreOutcome } from '../model.ts';
import { formatValue } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useI18n } from '../state/hooks.ts';
import { useFocusOnMount } from './focus.ts';

export function RestoreDone({ result }: { result: RestoreOutcome }) {
  const { t, lang } = useI18n();
  const holdsValue = (a: RestoreOutcome['apps'][number]) => a.before !== null || a.after !== null;
  const zeroOnNewCard = result.target === 'other' && result.apps.some((a) => holdsValue(a) && a.reissued === null && (a.after?.amount ?? 0) === 0);
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <div className="restore-result" data-testid="restore-result" tabIndex={-1} ref={ref}>
      <p className="notice notice-ok">
        {t(result.target === 'same' ? 'result.body.this' : 'result.body.other', { seq: result.seq, pages: countOf(t, lang, 'pages', result.pages) })}
      </p>
      <h3>{t('result.apps')}</h3>
      <ul className="result-apps">
        {result.apps.map((a) => (
          <li key={a.kind} className={holdsValue(a) ? 'result-app value' : 'result-app'} data-app={a.kind}>
            <span className={`swatch owner-${a.kind}`} aria-hidden="true" />
            <span className="result-app-name">{t(`appname.${a.kind}`)}</span>
            <span className="result-app-state">
              {a.reissued ? t('result.valueReissued', { value: formatValue(lang, t, a.reissued) }) : holdsValue(a) ? t('result.valueKept') : t('result.dataBack')}
              {holdsValue(a) && (
                <span className="muted small" data-testid={`result-${a.kind}`}>
                  {a.before && ` · ${t('result.app.before', { value: formatValue(lang, t, a.before) })}`}
                  {a.after && ` · ${t('result.app.after', { value: formatValue(lang, t, a.after) })}`}
                </span>
              )}
            </span>
          </li>
        ))}
      </ul>
      {zeroOnNewCard && (
        <div className="why" data-testid="why-zero">
          <h3>{t('result.why.title')}</h3>
          <p>{t('result.why.body')}</p>
        </div>
      )}
    </div>
  );
}
