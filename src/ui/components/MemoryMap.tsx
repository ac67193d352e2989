/**
 * Every page of card memory as a small square, coloured by who owns it (system area or
 * an application), pages changed since the last backup marked. For screen readers the
 * picture has a one-line summary and a list of areas.
 */
import { memo } from 'react';
import type { Translate } from '../i18n/index.ts';
import type { CardInfo, PageOwner } from '../model.ts';
import { useI18n } from '../state/hooks.ts';
import { formatNumber } from '../format.ts';
import { changedSet, ownerRanges, ownersPresent } from './memory-map.ts';

export function ownerName(t: Translate, o: PageOwner): string {
  return o === 'system' ? t('map.owner.system') : o === 'free' ? t('map.owner.free') : t(`appname.${o}`);
}

const Cells = memo(function Cells({ map }: { map: CardInfo['memory'] }) {
  const changed = changedSet(map);
  return (
    <div className="memmap-grid" aria-hidden="true">
      {map.owners.map((o, i) => (
        <span key={i} className={changed.has(i) ? `page owner-${o} page-changed` : `page owner-${o}`} />
      ))}
    </div>
  );
});

export function MemoryMap({ map }: { map: CardInfo['memory'] }) {
  const { t, lang } = useI18n();
  const changed = map.changedCount;
  const summary = t('map.summary', {
    pages: formatNumber(lang, map.pageCount),
    size: formatNumber(lang, map.pageSize),
    changed: formatNumber(lang, changed),
  });
  return (
    <figure className="memmap" aria-labelledby="memmap-heading">
      <h3 id="memmap-heading">{t('map.heading')}</h3>
      <figcaption className="memmap-summary" aria-live="polite">
        {summary}
      </figcaption>
      <Cells map={map} />
      <ul className="legend" aria-label={t('map.legend')}>
        {ownersPresent(map.owners).map((o) => (
          <li key={o}>
            <span className={`swatch owner-${o}`} aria-hidden="true" />
            {ownerName(t, o)}
          </li>
        ))}
        <li>
          <span className="swatch swatch-changed" aria-hidden="true" />
          {t('map.changed')}
        </li>
      </ul>
      <details className="memmap-details">
        <summary>{t('map.details')}</summary>
        <ul>
          {ownerRanges(map.owners).map((r) => (
            <li key={r.from}>{t('map.range', { name: ownerName(t, r.owner), from: r.from, to: r.to })}</li>
          ))}
        </ul>
      </details>
    </figure>
  );
}
