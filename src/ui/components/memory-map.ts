/** Pure helpers for the memory map picture and its text summary. */
import type { CardInfo, PageOwner } from '../model.ts';

export interface OwnerRange {
  owner: PageOwner;
  from: number;
  /** Inclusive. */
  to: number;
}

/** Consecutive runs of pages with the same owner, in page order. */
export function ownerRanges(owners: readonly PageOwner[]): OwnerRange[] {
  const out: OwnerRange[] = [];
  owners.forEach((owner, page) => {
    const last = out[out.length - 1];
    if (last && last.owner === owner && last.to === page - 1) last.to = page;
    else out.push({ owner, from: page, to: page });
  });
  return out;
}

/** The owners that appear, in first-seen order (for the legend). */
export function ownersPresent(owners: readonly PageOwner[]): PageOwner[] {
  return [...new Set(owners)];
}

/** Changed pages as a set, ignoring numbers outside the map. */
export function changedSet(map: CardInfo['memory']): ReadonlySet<number> {
  return new Set(map.changedPages.filter((p) => Number.isInteger(p) && p >= 0 && p < map.pageCount));
}
