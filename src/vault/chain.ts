/**
 * The hash chain of one card, checked from what is held: backups and tombstones of
 * deleted backups. Each header names its predecessor by hash (prevHash). A link that
 * names a header the vault never held is a gap (the vault missed a backup, or was
 * imported from part of a chain), not damage; a link that contradicts what IS held is.
 * Shared by verify and import, so both judge a chain the same way.
 */
import { ZERO_HEX } from './read.ts';
import { lowerBound } from './sorted.ts';

export interface ChainLink {
  seq: number;
  headerHash: string;
  prevHash: string;
  /** Acknowledged by the card (or deleted after being kept): it is part of the card's chain. */
  settled: boolean;
}

export interface ChainProblem {
  seq: number;
  severity: 'damage' | 'gap';
  message: string;
}

export function checkChain(links: readonly ChainLink[]): ChainProblem[] {
  const sorted = [...links].sort((a, b) => a.seq - b.seq);
  const byHash = new Map(sorted.map((l) => [l.headerHash, l]));
  const out: ChainProblem[] = [];
  const settled = sorted.filter((l) => l.settled).map((l) => l.seq);
  const nearestBelow = (seq: number) => settled[lowerBound(settled, seq) - 1];
  for (const l of sorted) {
    if (l.prevHash === ZERO_HEX) {
      const earlier = nearestBelow(l.seq);
      if (earlier !== undefined) out.push({ seq: l.seq, severity: 'gap', message: `seq ${l.seq} starts a new chain after seq ${earlier} (was the card re-initialised?)` });
      continue;
    }
    const prev = byHash.get(l.prevHash);
    if (prev) {
      if (prev.seq >= l.seq) {
        out.push({ seq: l.seq, severity: 'damage', message: `seq ${l.seq} chains to seq ${prev.seq}, which is not older` });
        continue;
      }
      const skipped = settled.slice(lowerBound(settled, prev.seq + 1), lowerBound(settled, l.seq));
      if (skipped.length > 0)
        out.push({ seq: l.seq, severity: 'damage', message: `seq ${l.seq} chains to seq ${prev.seq}, skipping acknowledged seq ${skipped.join(', ')}` });
      continue;
    }
    const nearest = nearestBelow(l.seq);
    if (nearest === l.seq - 1)
      out.push({ seq: l.seq, severity: 'damage', message: `seq ${l.seq}'s prevHash does not match the header of seq ${nearest}` });
    else
      out.push({
        seq: l.seq,
        severity: 'gap',
        message: `seq ${l.seq} follows a backup the vault does not hold${nearest === undefined ? '' : ` (seqs ${nearest + 1}..${l.seq - 1} are missing)`}`,
      });
  }
  return out;
}
