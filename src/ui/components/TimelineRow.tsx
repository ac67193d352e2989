/** One backup in the timeline: number, date, kind, size, pages, chain status, restore. */
import type { TimelineEntry } from '../model.ts';
import { formatBytes, formatDate } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useI18n } from '../state/hooks.ts';

export function TimelineRow({ entry, onRestore }: { entry: TimelineEntry | undefined; onRestore: (seq: number) => void }) {
  const { t, lang } = useI18n();
  if (!entry) return <div className="trow trow-loading">{t('timeline.loading')}</div>;
  const date = formatDate(lang, entry.date);
  const size = formatBytes(lang, entry.bytes);
  const pages = countOf(t, lang, 'pages', entry.pagesChanged);
  const kind = t(`kind.${entry.kind}`);
  const chain = t(`chain.${entry.chain}`);
  return (
    <div className={`trow chain-${entry.chain}`} data-seq={entry.seq}>
      <span className="trow-seq" aria-hidden="true">
        #{entry.seq}
      </span>
      <span className="trow-main" aria-hidden="true">
        <span className="trow-date">{date}</span>
        <span className="trow-meta">
          <span className={`badge kind-${entry.kind}`}>{kind}</span>
          <span>{size}</span>
          <span>{pages}</span>
        </span>
      </span>
      <span className={`trow-chain chain-badge-${entry.chain}`} aria-hidden="true">
        {chain}
      </span>
      <span className="visually-hidden">{t('timeline.row', { seq: entry.seq, kind, date, size, pages, chain })}</span>
      <button type="button" className="btn btn-quiet btn-small" onClick={() => onRestore(entry.seq)} aria-label={`${t('timeline.restore')} #${entry.seq}`}>
        {t('timeline.restore')}
      </button>
    </div>
  );
}
