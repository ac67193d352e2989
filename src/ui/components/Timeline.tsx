/**
 * Every backup of a card, newest first, in a virtual list that stays fast at 10,000;
 * every card the vault knows stays reachable through the card switcher (a replaced
 * card's backups do not vanish when the replacement is backed up).
 */
import { formatCardNumber } from '../format.ts';
import { countOf } from '../i18n/index.ts';
import { useActions, useApp, useI18n } from '../state/hooks.ts';
import { TimelineRow } from './TimelineRow.tsx';
import { VirtualList } from './VirtualList.tsx';

export const TIMELINE_ROW_HEIGHT = 64;
const VIEW_HEIGHT = 448;

function CardSwitcher() {
  const { t, lang } = useI18n();
  const { timeline } = useActions();
  const cards = useApp('timeline', (s) => s.cards);
  const card = useApp('timeline', (s) => s.card);
  if (cards.length === 0) return null;
  return (
    <div className="card-switcher">
      <label htmlFor="timeline-card">{t('timeline.card')}</label>
      <select id="timeline-card" value={card ?? ''} onChange={(e) => void timeline.chooseCard(e.target.value)}>
        {cards.map((c) => {
          const number = formatCardNumber(c.cardNumber);
          const label = c.inReader ? t('timeline.card.inReader', { card: number }) : c.replacedByReader ? t('timeline.card.replaced', { card: number }) : t('timeline.card.plain', { card: number });
          return (
            <option key={c.cardNumber} value={c.cardNumber}>
              {t('timeline.card.count', { card: label, backups: countOf(t, lang, 'backups', c.backups) })}
            </option>
          );
        })}
      </select>
    </div>
  );
}

export function Timeline() {
  const { t, lang } = useI18n();
  const { timeline } = useActions();
  const count = useApp('timeline', (s) => s.count);
  const rows = useApp('timeline', (s) => s.rows);
  const card = useApp('timeline', (s) => s.card);
  const marked = useApp('timeline', (s) => s.marked);
  return (
    <section className="panel timeline" aria-labelledby="timeline-heading">
      <div className="panel-head">
        <h2 id="timeline-heading">{t('timeline.heading')}</h2>
        {count > 0 && <span className="muted">{t('timeline.count', { backups: countOf(t, lang, 'backups', count) })}</span>}
      </div>
      <CardSwitcher />
      {count === 0 ? (
        <p className="muted empty">{t('timeline.empty')}</p>
      ) : (
        <VirtualList
          count={count}
          rowHeight={TIMELINE_ROW_HEIGHT}
          height={VIEW_HEIGHT}
          label={t('timeline.heading')}
          onRangeChange={timeline.showRows}
          renderRow={(i) => {
            const e = rows.get(i);
            return <TimelineRow entry={e} marked={e !== undefined && marked.has(`${card ?? ''}:${e.seq}`)} onRestore={timeline.select} />;
          }}
        />
      )}
    </section>
  );
}
