/** A transfer in progress: bar, pages, bytes, speed, time left; announced politely. */
import type { TransferProgress } from '../model.ts';
import { formatBytes, formatDuration, formatNumber } from '../format.ts';
import { fractionDone } from '../state/operation.ts';
import { useI18n } from '../state/hooks.ts';

export function ProgressView({ label, progress }: { label: string; progress: TransferProgress | null }) {
  const { t, lang } = useI18n();
  const pct = Math.round(fractionDone(progress) * 100);
  return (
    <div className="progress">
      <div className="progress-head">
        <span>{label}</span>
        <span aria-hidden="true">{progress ? `${pct}%` : ''}</span>
      </div>
      <progress className="progress-bar" max={100} value={progress ? pct : undefined} aria-label={label} />
      <p className="progress-facts" aria-live="polite" data-testid="progress-facts">
        {!progress ? (
          t('progress.waiting')
        ) : (
          <>
            <span>{t('progress.pages', { pages: formatNumber(lang, progress.pages), total: formatNumber(lang, progress.totalPages) })}</span>
            <span>{formatBytes(lang, progress.bytes)}</span>
            <span>{t('progress.rate', { rate: formatBytes(lang, progress.rate) })}</span>
            <span>
              {progress.secondsLeft === null ? t('progress.estimating') : t('progress.left', { time: formatDuration(t, progress.secondsLeft) })}
            </span>
          </>
        )}
      </p>
    </div>
  );
}
