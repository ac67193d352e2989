/**
 * Manifests: the full page map of one point. Pure helpers, no storage.
 * A diff's manifest is its base manifest with the pages it carried laid over it, so
 * every manifest stands alone and losing one backup never loses the points after it.
 */
import { HASH_BYTES, KIND_CODE, pageMapHash, type BackupKind } from '../protocol/backup-format.ts';
import { toHex } from './hash.ts';
import type { ManifestRow } from './schema.ts';

export interface ManifestEntry {
  page: number;
  seq: number;
  kind: BackupKind;
  hash: string;
}

export const pageCountOf = (m: ManifestRow): number => m.seqs.length;

export function blobHashOf(m: ManifestRow, page: number): string {
  return toHex(m.hashes.subarray(page * HASH_BYTES, (page + 1) * HASH_BYTES));
}

export function entryOf(m: ManifestRow, page: number): ManifestEntry {
  return { page, seq: m.seqs[page] as number, kind: m.kinds[page] === KIND_CODE.full ? 'full' : 'diff', hash: blobHashOf(m, page) };
}

/** The manifest of `seq`: `base` (or nothing, for a full) overlaid with the carried pages. */
export function overlay(
  card: string,
  seq: number,
  kind: BackupKind,
  pageCount: number,
  base: ManifestRow | undefined,
  carried: readonly { page: number; hash: Uint8Array }[],
): ManifestRow {
  const seqs = base ? base.seqs.slice() : new Uint32Array(pageCount);
  const kinds = base ? base.kinds.slice() : new Uint8Array(pageCount);
  const hashes = base ? base.hashes.slice() : new Uint8Array(pageCount * HASH_BYTES);
  for (const c of carried) {
    seqs[c.page] = seq;
    kinds[c.page] = KIND_CODE[kind];
    hashes.set(c.hash, c.page * HASH_BYTES);
  }
  return { cardNumber: card, seq, seqs, kinds, hashes };
}

/** Every distinct blob a manifest references. */
export function blobHashes(m: ManifestRow): Set<string> {
  const out = new Set<string>();
  for (let p = 0; p < pageCountOf(m); p++) out.add(blobHashOf(m, p));
  return out;
}

export const manifestMapHash = (m: ManifestRow): string => toHex(pageMapHash(m.seqs));

/** Is the manifest's shape sound: lengths agree and no page is newer than the point? */
export function manifestShapeProblem(m: ManifestRow, pageCount: number): string | undefined {
  if (m.seqs.length !== pageCount || m.kinds.length !== pageCount || m.hashes.length !== pageCount * HASH_BYTES)
    return `manifest covers ${m.seqs.length} pages, the card has ${pageCount}`;
  for (let p = 0; p < pageCount; p++) {
    const s = m.seqs[p] as number;
    if (s === 0 || s > m.seq) return `page ${p} names seq ${s}, outside 1..${m.seq}`;
    const k = m.kinds[p];
    if (k !== KIND_CODE.full && k !== KIND_CODE.diff) return `page ${p} has unknown kind ${k ?? '?'}`;
  }
  return undefined;
}
