/**
 * Export files of version 2 taken apart and put back together, for forgery tests: a
 * forger recomputes every hash the file carries (packs' and the trailing digest), so
 * only what the vault checks beyond the file's own hashes can refuse the result.
 */
import { readContainer } from '../../src/vault/export-format.ts';
import { decodeExportV2, encodeExportV2, type ContentsV2 } from '../../src/vault/export-packs.ts';
import { digestHex } from '../../src/vault/hash.ts';

export const readV2 = (file: Uint8Array): Promise<ContentsV2> => decodeExportV2(file, readContainer(file));

/** The contents as a file again, every pack's hash and the digest recomputed. */
export async function rebuildV2(c: ContentsV2): Promise<Uint8Array> {
  const packs = await Promise.all(c.packs.map(async (p) => ({ ...p, hash: await digestHex(p.sealed) })));
  const { maps: _m, packs: _p, ...index } = c.index;
  return encodeExportV2(index, c.maps, packs);
}
