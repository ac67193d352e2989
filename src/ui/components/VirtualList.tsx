/**
 * A fixed-row-height virtual list: only the rows in view (plus a few) are in the DOM,
 * so 10,000 rows cost what 20 do. Rows are absolutely placed inside a spacer.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { visibleRange } from './virtual-range.ts';

export interface VirtualListProps {
  count: number;
  rowHeight: number;
  /** Visible height in px. */
  height: number;
  label: string;
  renderRow: (index: number) => ReactNode;
  onRangeChange?: (start: number, end: number) => void;
  className?: string;
}

export function VirtualList({ count, rowHeight, height, label, renderRow, onRangeChange, className }: VirtualListProps) {
  const [scrollTop, setScrollTop] = useState(0);
  const viewportRef = useRef<HTMLDivElement>(null);
  const range = visibleRange(scrollTop, height, rowHeight, count);
  const { start, end } = range;

  useEffect(() => {
    onRangeChange?.(start, end);
  }, [start, end, onRangeChange]);

  const rows: ReactNode[] = [];
  for (let i = start; i < end; i++) {
    rows.push(
      <div
        key={i}
        role="listitem"
        aria-setsize={count}
        aria-posinset={i + 1}
        className="vrow"
        style={{ transform: `translateY(${i * rowHeight}px)`, height: rowHeight }}
      >
        {renderRow(i)}
      </div>,
    );
  }

  return (
    <div
      ref={viewportRef}
      className={className ? `vlist ${className}` : 'vlist'}
      style={{ height: Math.min(height, Math.max(rowHeight, range.totalHeight)) }}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      tabIndex={0}
    >
      <div role="list" aria-label={label} className="vlist-spacer" style={{ height: range.totalHeight }}>
        {rows}
      </div>
    </div>
  );
}
