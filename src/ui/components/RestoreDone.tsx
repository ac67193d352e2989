/**
 * After a restore: exactly what happened, per application: data back, or the value
 * before, the backup's value discarded and the value now (fig. 20: like the cash in a
 * lost wallet, value does not come back).
 */
import type { RestoreOutcome } from '../model.ts';
import { formatValue } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useI18n } from '../state/hooks.ts';
import { useFocusOnMount } from './focus.ts';

export function RestoreDone({ result }: { result: RestoreOutcome }) {
  const { t, lang } = useI18n();
  const anyReset = result.apps.some((a) => a.valueReset);
  const ref = useFocusOnMount<HTMLDivElement>();
  return (
    <div className="restore-result" data-testid="restore-result" tabIndex={-1} ref={ref}>
      <p className="notice notice-ok">
        {t(result.target === 'same' ? 'result.body.this' : 'result.body.other', { seq: result.seq, pages: countOf(t, lang, 'pages', result.pages) })}
      </p>
      <h3>{t('result.apps')}</h3>
      <ul className="result-apps">
        {result.apps.map((a) => (
          <li key={a.kind} className={a.valueReset ? 'result-app reset' : 'result-app'} data-app={a.kind}>
            <span className={`swatch owner-${a.kind}`} aria-hidden="true" />
            <span className="result-app-name">{t(`appname.${a.kind}`)}</span>
            <span className="result-app-state">
              {a.valueReset ? t('result.valueReset') : t('result.dataBack')}
              {a.valueReset && (
                <span className="muted small" data-testid={`result-${a.kind}`}>
                  {a.before && ` · ${t('result.app.before', { value: formatValue(lang, t, a.before) })}`}
                  {a.discarded && ` · ${t('result.app.discarded', { value: formatValue(lang, t, a.discarded) })}`}
                  {a.after && ` · ${t('result.app.after', { value: formatValue(lang, t, a.after) })}`}
                </span>
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
