/** One backup in the timeline: number, name, date, kind, what it changed, health, marks, open (or why it cannot be restored). */
import type { BackupEntry } from '../model.ts';
import { formatBytes, formatDate } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useI18n } from '../state/hooks.ts';

export function TimelineRow({ entry, marked, onRestore }: { entry: BackupEntry | undefined; marked: boolean; onRestore: (seq: number) => void }) {
  const { t, lang } = useI18n();
  if (!entry) return <div className="trow trow-loading">{t('timeline.loading')}</div>;
  const date = formatDate(lang, entry.date);
  const size = formatBytes(lang, entry.bytes);
  // Only the issuer holds it: this browser knows its date, kind and size, not its pages or contents.
  const remoteOnly = entry.place === 'issuer';
  const pages = countOf(t, lang, 'pages', entry.pagesChanged);
  const kind = t(`kind.${entry.kind}`);
  const health = t(`health.${entry.health}`);
  const place = entry.place ? t(`place.${entry.place}`) : null;
  const changed = remoteOnly
    ? t('timeline.issuerOnly')
    : entry.apps
      ? entry.apps.length > 0
        ? t('timeline.changed', { apps: entry.apps.map((a) => t(`appname.${a}`)).join(', ') })
        : t('timeline.changed.none')
      : t('timeline.changed.unknown');
  return (
    <div className={`trow health-${entry.health}${marked ? ' trow-marked' : ''}`} data-seq={entry.seq} data-marked={marked ? 'remove' : undefined}>
      <span className="trow-seq" aria-hidden="true">
        #{entry.seq}
      </span>
      <span className="trow-main" aria-hidden="true">
        <span className="trow-date">
          {entry.name ? <strong className="trow-name">{entry.name}</strong> : null} {date}
        </span>
        <span className="trow-meta">
          <span className={`badge kind-${entry.kind}`}>{kind}</span>
          {place && (
            <span className={`badge place place-${entry.place ?? ''}`} data-place={entry.place}>
              {place}
            </span>
          )}
          {entry.oldProtocol && <span className="badge old-protocol">{t('timeline.v1.badge')}</span>}
          <span>{size}</span>
          <span className="trow-apps">{changed}</span>
        </span>
      </span>
      <span className={`trow-chain health-badge-${entry.health}`} aria-hidden="true">
        {marked ? t('timeline.marked') : remoteOnly ? '' : health}
      </span>
      <span className="visually-hidden">
        {remoteOnly ? (
          t('timeline.row.issuer', { seq: entry.seq, kind, date, size })
        ) : (
          <>
            {t('timeline.row', { seq: entry.seq, kind, date, size, pages, health })}
            {entry.name ? `, ${entry.name}` : ''}, {changed}
            {marked ? `, ${t('timeline.marked')}` : ''}
            {place ? `, ${t('place.label', { place })}` : ''}
            {entry.oldProtocol ? `, ${t('timeline.v1')}` : ''}
          </>
        )}
      </span>
      {remoteOnly ? (
        <span className="trow-remote muted small" aria-hidden="true" />
      ) : entry.oldProtocol ? (
        // A version-2 card cannot open it: no Restore button, the reason instead (export keeps it).
        <span className="trow-old muted small" data-testid="old-protocol" aria-hidden="true" title={t('timeline.v1')}>
          {t('timeline.v1.short')}
        </span>
      ) : (
        <button type="button" className="btn btn-quiet btn-small" onClick={() => onRestore(entry.seq)} aria-label={`${t('timeline.restore')} #${entry.seq}`}>
          {t('timeline.restore')}
        </button>
      )}
    </div>
  );
}
