/** Ascending arrays of numbers (a pack's page list, a card's seqs): binary search, as chains run to 10,000s of backups, and comparison. */

/** How many entries are below `x`: where `x` is, or would go. */
export function lowerBound(sorted: ArrayLike<number>, x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of `x`, or -1. */
export function indexInSorted(sorted: ArrayLike<number>, x: number): number {
  const i = lowerBound(sorted, x);
  return sorted[i] === x ? i : -1;
}

/** The same numbers in the same order (a page list stored as number[] or Uint32Array). */
export function sameList(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
