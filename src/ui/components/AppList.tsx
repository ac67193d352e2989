/** The card's applications with their data and values. */
import { isMessageKey } from '../i18n/index.ts';
import type { AppInfo } from '../model.ts';
import { formatValue, formatYen } from '../format.ts';
import { useI18n } from '../state/hooks.ts';

export function AppList({ apps }: { apps: readonly AppInfo[] }) {
  const { t, lang } = useI18n();
  const label = (id: string) => {
    const key = `field.${id}`;
    return isMessageKey(key) ? t(key) : id;
  };
  // Codes the card gives (the membership tier) are worded by the translations.
  const shown = (id: string, value: string) => {
    const key = `${id}.${value}`;
    if (id === 'tier' && isMessageKey(key)) return t(key);
    if (id === 'limit' && /^\d+$/.test(value)) return formatYen(lang, Number(value));
    return value;
  };
  return (
    <ul className="apps">
      {apps.map((a) => (
        <li key={a.aid} className={`app app-${a.kind}`} data-app={a.kind}>
          <div className="app-head">
            <span className={`swatch owner-${a.kind}`} aria-hidden="true" />
            <h4>{t(`appname.${a.kind}`)}</h4>
            {a.value && (
              <span className="app-value" data-testid={`value-${a.kind}`}>
                {formatValue(lang, t, a.value)}
              </span>
            )}
          </div>
          {a.restoredFlag && <p className="app-flag">{t('card.restoredFlag')}</p>}
          {a.locked && <p className="app-locked">{t('card.locked')}</p>}
          {a.fields.length > 0 && (
            <dl className="fields">
              {a.fields.map((f, i) => (
                <div key={`${f.id}-${i}`} className="field">
                  <dt>{label(f.id)}</dt>
                  <dd data-field={f.id}>{shown(f.id, f.value)}</dd>
                </div>
              ))}
            </dl>
          )}
        </li>
      ))}
    </ul>
  );
}
