/**
 * Export files of version 2 taken apart and put back together, for forgery tests: a
 * forger recomputes every hash the file carries (packs' and the trailing digest), so
 * only what the vault checks beyond the file's own hashes can refuse the result.
 */
import { readContainer } from '../../src/vault/export-format.ts';
import { decodeExportV2, encodeExportV2, type ContentsV2 } from '../../src/vault/export-packs.ts';
import { headerHash } from '../../src/protocol/backup-format.ts';
import { digestHex, hexBytes, toHex } from '../../src/vault/hash.ts';

export const readV2 = (file: Uint8Array): Promise<ContentsV2> => decodeExportV2(file, readContainer(file));

/** The contents as a file again, every pack's hash and the digest recomputed. */
export async function rebuildV2(c: ContentsV2): Promise<Uint8Array> {
  const packs = await Promise.all(c.packs.map(async (p) => ({ ...p, hash: await digestHex(p.sealed) })));
  const { maps: _m, packs: _p, ...index } = c.index;
  return encodeExportV2(index, c.maps, packs);
}

/** The file's i-th backup header forged (a byte of its date flipped) with its hash recomputed: only the card's signature can refuse it. */
export async function forgeHeader(file: Uint8Array, i: number): Promise<ContentsV2> {
  const c = await readV2(file);
  const b = c.index.backups[i];
  if (!b) throw new Error(`no backup ${i} in the file`);
  const h = hexBytes(b.header);
  h[30] = (h[30] as number) ^ 1; // a byte of the date
  b.header = toHex(h);
  b.headerHash = toHex(headerHash(h));
  return c;
}
