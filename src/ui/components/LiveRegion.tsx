/** Announces card events to screen readers (polite). */
import { useApp, useI18n } from '../state/hooks.ts';

export function LiveRegion() {
  const { t } = useI18n();
  const a = useApp('connection', (s) => s.announcement);
  return (
    <p className="visually-hidden" aria-live="polite" role="status">
      {a ? t(`live.${a}`) : ''}
    </p>
  );
}
