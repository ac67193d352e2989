/**
 * Manifests: the full page map of one point. Pure helpers, no storage.
 * A diff's manifest is its base manifest with the pages it carried laid over it, so
 * every manifest stands alone: deleting one backup never loses the points after it,
 * because its pack stays as long as some manifest still names it (the uses store).
 */
import { KIND_CODE, pageMapHash, type BackupKind } from '../protocol/backup-format.ts';
import { toHex } from './hash.ts';
import { indexInSorted } from './sorted.ts';
import type { ManifestRow, PackRow, UsesRow } from './schema.ts';

export interface ManifestEntry {
  page: number;
  /** The backup whose pack holds this page's newest copy. */
  seq: number;
  kind: BackupKind;
}

export const pageCountOf = (m: ManifestRow): number => m.seqs.length;

export function entryOf(m: ManifestRow, page: number): ManifestEntry {
  return { page, seq: m.seqs[page] as number, kind: m.kinds[page] === KIND_CODE.full ? 'full' : 'diff' };
}

/** Every distinct seq of a page map, ascending (a typed sort: native, no Set). */
export function distinctSeqs(seqs: Uint32Array): Uint32Array {
  const sorted = seqs.slice().sort();
  let n = 0;
  for (let i = 0; i < sorted.length; i++) if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i] as number;
  return sorted.subarray(0, n);
}

/** [card, seq] of every distinct pack the page map names, ascending by seq. */
export function refsOf(card: string, seqs: Uint32Array): [string, number][] {
  return Array.from(distinctSeqs(seqs), (s) => [card, s]);
}

/** The manifest of `seq`: `base` (or nothing, for a full) overlaid with the carried pages. */
export function overlay(card: string, seq: number, kind: BackupKind, pageCount: number, base: ManifestRow | undefined, carried: Iterable<number>): ManifestRow {
  const seqs = base ? base.seqs.slice() : new Uint32Array(pageCount);
  const kinds = base ? base.kinds.slice() : new Uint8Array(pageCount);
  for (const page of carried) {
    seqs[page] = seq;
    kinds[page] = KIND_CODE[kind];
  }
  return { cardNumber: card, seq, seqs, kinds };
}

/** The uses row of a manifest: the packs it names. */
export function usesOf(m: ManifestRow): UsesRow {
  // A copy (slice), not a view on the sorted scratch array: the row is cloned whole into storage.
  const packs = distinctSeqs(m.seqs).slice();
  return { cardNumber: m.cardNumber, seq: m.seq, packs };
}

/** Pages of the point that come from pack `seq`, ascending. */
export function pagesFrom(m: ManifestRow, seq: number): number[] {
  const out: number[] = [];
  for (let p = 0; p < m.seqs.length; p++) if (m.seqs[p] === seq) out.push(p);
  return out;
}

export const manifestMapHash = (m: ManifestRow): string => toHex(pageMapHash(m.seqs));

/** The bytes pageMapHash hashes (u32 BE per page), for hashing many maps at once with WebCrypto. */
export function mapBytes(m: ManifestRow): Uint8Array {
  const bytes = new Uint8Array(m.seqs.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < m.seqs.length; i++) dv.setUint32(i * 4, m.seqs[i] as number);
  return bytes;
}

/** Is the manifest's shape sound: lengths agree, no page is newer than the point? */
export function manifestShapeProblem(m: ManifestRow, pageCount: number): string | undefined {
  if (m.seqs.length !== pageCount || m.kinds.length !== pageCount) return `manifest covers ${m.seqs.length} pages, the card has ${pageCount}`;
  for (let p = 0; p < pageCount; p++) {
    const s = m.seqs[p] as number;
    if (s === 0 || s > m.seq) return `page ${p} names seq ${s}, outside 1..${m.seq}`;
    const k = m.kinds[p];
    if (k !== KIND_CODE.full && k !== KIND_CODE.diff) return `page ${p} has unknown kind ${k ?? '?'}`;
  }
  return undefined;
}

/** Index of `page` in the pack's ascending page list, or -1. */
export const indexOfPage = (pack: PackRow, page: number): number => indexInSorted(pack.pages, page);

/** Sealed bytes of `page` in the pack, or undefined when the pack does not hold it. */
export function recordOf(pack: PackRow, page: number): Uint8Array | undefined {
  const i = indexOfPage(pack, page);
  return i < 0 ? undefined : pack.sealed.subarray(i * pack.recordBytes, (i + 1) * pack.recordBytes);
}

/** Is a pack's shape sound: pages ascending and in range, bytes a whole number of records? */
export function packShapeProblem(pack: PackRow, pageCount: number, recordBytes: number): string | undefined {
  if (pack.recordBytes !== recordBytes) return `records are ${pack.recordBytes} bytes, the card's are ${recordBytes}`;
  if (pack.sealed.length !== pack.pages.length * recordBytes) return `holds ${pack.sealed.length} bytes for ${pack.pages.length} records of ${recordBytes}`;
  for (let i = 0; i < pack.pages.length; i++) {
    const p = pack.pages[i] as number;
    if (p >= pageCount || (i > 0 && p <= (pack.pages[i - 1] as number))) return `page list is out of order or outside 0..${pageCount - 1}`;
  }
  return undefined;
}
