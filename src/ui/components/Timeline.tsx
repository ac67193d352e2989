/** Every backup of the card, newest first, in a virtual list that stays fast at 10,000. */
import { countOf } from '../i18n/index.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { TimelineRow } from './TimelineRow.tsx';
import { VirtualList } from './VirtualList.tsx';

export const TIMELINE_ROW_HEIGHT = 64;
const VIEW_HEIGHT = 448;

export function Timeline() {
  const { t, lang } = useI18n();
  const { timeline } = useActions();
  const count = useApp('timeline', (s) => s.count);
  const rows = useApp('timeline', (s) => s.rows);
  return (
    <section className="panel timeline" aria-labelledby="timeline-heading">
      <div className="panel-head">
        <h2 id="timeline-heading">{t('timeline.heading')}</h2>
        {count > 0 && <span className="muted">{t('timeline.count', { backups: countOf(t, lang, 'backups', count) })}</span>}
      </div>
      {count === 0 ? (
        <p className="muted empty">{t('timeline.empty')}</p>
      ) : (
        <VirtualList
          count={count}
          rowHeight={TIMELINE_ROW_HEIGHT}
          height={VIEW_HEIGHT}
          label={t('timeline.heading')}
          onRangeChange={timeline.showRows}
          renderRow={(i) => <TimelineRow entry={rows.get(i)} onRestore={timeline.select} />}
        />
      )}
    </section>
  );
}
