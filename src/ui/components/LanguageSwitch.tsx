/** English / 日本語, as two toggle buttons. */
import { LANGS } from '../i18n/index.ts';
import { useApp, useI18n } from '../state/hooks.ts';

export function LanguageSwitch() {
  const { t, lang } = useI18n();
  const setLang = useApp('language', (s) => s.setLang);
  return (
    <div className="lang-switch" role="group" aria-label={t('lang.label')}>
      {LANGS.map((l) => (
        <button key={l} type="button" lang={l} aria-pressed={l === lang} onClick={() => setLang(l)}>
          {t(`lang.${l}`)}
        </button>
      ))}
    </div>
  );
}
