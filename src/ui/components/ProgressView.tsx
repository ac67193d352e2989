/**
 * A transfer in progress: the step ("keep the card in the reader"), one figure for both
 * the bar and the percentage, pages, bytes, speed, time left while pages move.
 */
import type { TransferProgress } from '../model.ts';
import { formatBytes, formatDuration, formatNumber } from '../format.ts';
import { fractionDone, showsTimeLeft } from '../state/operation.ts';
import { useI18n } from '../state/hooks.ts';

export function ProgressView({ label, progress }: { label: string; progress: TransferProgress | null }) {
  const { t, lang } = useI18n();
  const pct = Math.floor(fractionDone(progress) * 100);
  return (
    <div className="progress">
      <div className="progress-head">
        <span>{label}</span>
        <span aria-hidden="true" data-testid="progress-pct">
          {progress ? `${pct}%` : ''}
        </span>
      </div>
      <progress className="progress-bar" max={100} value={progress ? pct : undefined} aria-label={label} />
      <p className="progress-phase" data-testid="progress-phase">
        <strong>{progress ? t(`progress.phase.${progress.phase}`) : t('progress.waiting')}</strong> {t('progress.keep')}
      </p>
      <p className="progress-facts" aria-live="polite" data-testid="progress-facts">
        {progress && (
          <>
            <span>{t('progress.pages', { pages: formatNumber(lang, progress.pages), total: formatNumber(lang, progress.totalPages) })}</span>
            <span>{formatBytes(lang, progress.bytes)}</span>
            <span>{t('progress.rate', { rate: formatBytes(lang, progress.rate) })}</span>
            {progress.phase === 'transferring' && (
              <span>{showsTimeLeft(progress) && progress.secondsLeft !== null ? t('progress.left', { time: formatDuration(t, progress.secondsLeft) }) : t('progress.estimating')}</span>
            )}
          </>
        )}
      </p>
    </div>
  );
}
