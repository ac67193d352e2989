/** A failure in plain words: what happened, and what to do about it. */
import type { ServiceErrorCode } from '../errors.ts';
import { useI18n } from '../state/hooks.ts';

export function ErrorNotice({ code, onRetry }: { code: ServiceErrorCode; onRetry?: () => void }) {
  const { t } = useI18n();
  return (
    <div className="notice notice-error" role="alert" data-error={code}>
      <p className="notice-title">{t(`error.${code}.title`)}</p>
      <p>{t(`error.${code}.help`)}</p>
      {onRetry && (
        <button type="button" className="btn btn-secondary" onClick={onRetry}>
          {t('connect.retry')}
        </button>
      )}
    </div>
  );
}
