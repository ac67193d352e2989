/**
 * Which SHA-256 a pack is checked against (schema 4). A commit hashes the pack while the
 * engine stores it (WebCrypto runs in its call on the page's thread in Chromium 156, so
 * hashing first added its time to the put: issue 15) and keeps the hash in `packHashes`
 * under the pack's key. Packs stored before schema 4, and packs an import stores (the
 * file carries their hash), keep it inside the pack. A hash inside the pack wins: an
 * import that rewrites a held pack writes the new hash there.
 */
import type { PackHashRow, PackRow } from './schema.ts';

export const packHashOf = (pack: PackRow, entry: PackHashRow | string | undefined): string | undefined =>
  pack.hash ?? (typeof entry === 'string' ? entry : entry?.hash);

/** The packHashes rows of one card read by key range, by seq. */
export const hashesBySeq = (rows: readonly PackHashRow[]): Map<number, string> => new Map(rows.map((r) => [r.seq, r.hash]));
