import { describe, expect, it } from 'vitest';
import { scrollToShow, visibleRange } from './virtual-range.ts';

describe('visibleRange', () => {
  it('renders the rows in view plus overscan, at the top', () => {
    expect(visibleRange(0, 448, 64, 10_000, 4)).toEqual({ start: 0, end: 11, offsetTop: 0, totalHeight: 640_000 });
  });
  it('in the middle of 10,000 rows renders about twenty, never thousands', () => {
    const r = visibleRange(320_000, 448, 64, 10_000, 4);
    expect(r.start).toBe(4996);
    expect(r.end).toBe(5011);
    expect(r.offsetTop).toBe(4996 * 64);
  });
  it('clamps at the end and for a scrollTop beyond it', () => {
    const r = visibleRange(10_000_000, 448, 64, 100, 4);
    expect(r.end).toBe(100);
    expect(r.start).toBeGreaterThanOrEqual(0);
    expect(r.start).toBeLessThan(100);
  });
  it('handles partial rows: a row cut by the bottom edge is rendered', () => {
    expect(visibleRange(32, 64, 64, 10, 0)).toMatchObject({ start: 0, end: 2 });
  });
  it('is empty for no rows and survives bad numbers', () => {
    expect(visibleRange(0, 448, 64, 0)).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
    expect(visibleRange(Number.NaN, -5, 0, 3, 0)).toMatchObject({ start: 0, end: 1 });
    expect(visibleRange(-100, 448, 64, 3, 0)).toMatchObject({ start: 0, end: 3 });
  });
});

describe('scrollToShow', () => {
  it('moves only as far as needed', () => {
    expect(scrollToShow(0, 100, 400, 50)).toBe(0);
    expect(scrollToShow(20, 0, 400, 50)).toBe(650);
    expect(scrollToShow(3, 0, 400, 50)).toBe(0);
  });
});
