/** The math of a fixed-row-height virtual list: which rows to render and where. */

export interface VirtualRange {
  /** First row to render. */
  start: number;
  /** One past the last row to render. */
  end: number;
  /** Pixel offset of row `start` from the top of the list. */
  offsetTop: number;
  /** Height of all rows together. */
  totalHeight: number;
}

/**
 * Rows that intersect [scrollTop, scrollTop + viewport), plus `overscan` rows on each
 * side, clamped to [0, count). Bad inputs (negative, NaN) are clamped, never thrown on.
 */
export function visibleRange(scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 4): VirtualRange {
  const n = Math.max(0, Math.floor(count) || 0);
  const h = rowHeight > 0 ? rowHeight : 1;
  const totalHeight = n * h;
  const top = Math.min(Math.max(0, scrollTop || 0), Math.max(0, totalHeight - 1));
  const view = Math.max(0, viewport || 0);
  if (n === 0) return { start: 0, end: 0, offsetTop: 0, totalHeight: 0 };
  const first = Math.floor(top / h);
  const last = Math.ceil((top + view) / h);
  const start = Math.max(0, first - overscan);
  const end = Math.min(n, Math.max(last, first + 1) + overscan);
  return { start, end, offsetTop: start * h, totalHeight };
}

/** The scrollTop that brings row `index` fully into view, moving as little as possible. */
export function scrollToShow(index: number, scrollTop: number, viewport: number, rowHeight: number): number {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return Math.max(0, bottom - viewport);
  return scrollTop;
}
