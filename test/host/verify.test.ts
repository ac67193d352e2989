/**
 * Deep verify. Structural verify recomputes every pack's SHA-256 against the hash it was
 * stored with, so flipping a stored byte is caught without the card (shown first).
 * What hashes cannot catch is a consistent forgery: someone with the vault (or a
 * crafted import file) replaces a sealed page AND stores the pack's new hash with it.
 * Every hash then agrees, the page map (which
 * commits to seqs, not to bytes) is unchanged, and structural verify is clean. Only
 * the card can tell: the record no longer authenticates under its card-unique key, so
 * RESTORE in verify-only mode (P2 02) refuses that point and no other.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '../../src/protocol/bytes.ts';
import { describe, expect, it } from 'vitest';
import { backup, verify } from '../../src/host/index.ts';
import { CARD_A, changeRandomPages, direct, makeCard, PIN, rng, vaultFactory } from './fixture.ts';

async function threeBackups() {
  const card = makeCard(CARD_A);
  const t = direct(card);
  const vault = await vaultFactory().open();
  await backup(t, vault, { pin: PIN, kind: 'full', date: 1 });
  changeRandomPages(card, rng(1), 5);
  const two = await backup(t, vault, { pin: PIN, kind: 'diff', date: 2 });
  changeRandomPages(card, rng(2), 5);
  await backup(t, vault, { pin: PIN, kind: 'diff', date: 3 });
  return { card, t, vault, page: two.row.pagesChanged[0] as number };
}

/** The sealed copy of `page` inside the pack of seq 2, and where it sits. */
async function recordAt(vault: Awaited<ReturnType<typeof threeBackups>>['vault'], page: number) {
  const pack = (await vault.db.get('packs', [CARD_A, 2]))!;
  const at = pack.pages.indexOf(page) * pack.recordBytes;
  return { pack, at };
}

describe('verify', () => {
  it('a sound vault: structural clean, the card opens every record of every point', async () => {
    const { card, t, vault } = await threeBackups();
    const memoryBefore = card.inspect().memory;
    const r = await verify(vault, { transport: t, pin: PIN });
    expect(r.structural).toEqual([]);
    expect(r.deep?.map((d) => [d.seq, d.ok])).toEqual([
      [1, true],
      [2, true],
      [3, true],
    ]);
    // Verify-only writes nothing: the card is still at its last backup.
    expect(card.inspect().memory).toEqual(memoryBefore);
    expect(card.inspect().currentPoint).toBe(3);
  });

  it('without the card, structural only', async () => {
    const { vault } = await threeBackups();
    expect(await verify(vault)).toEqual({ structural: [], deep: undefined, card: undefined });
  });

  it('a flipped byte is found structurally', async () => {
    const { vault, page } = await threeBackups();
    const { pack, at } = await recordAt(vault, page);
    pack.sealed[at + 5] = (pack.sealed[at + 5] as number) ^ 1;
    await vault.db.put('packs', pack);
    expect((await verify(vault)).structural.map((f) => f.code)).toContain('PACK_HASH');
  });

  it('a consistently re-hashed forgery passes structural verify; only the card finds it', async () => {
    const { card, t, vault, page } = await threeBackups();
    const memoryBefore = card.inspect().memory;
    const { pack, at } = await recordAt(vault, page);
    pack.sealed[at + 5] = (pack.sealed[at + 5] as number) ^ 1;
    await vault.db.put('packs', { ...pack, hash: hex(sha256(pack.sealed)).toLowerCase() });
    // seq 3 restores the forged copy too unless it carried that page itself
    const seq3UsesIt = (await vault.db.get('manifests', [CARD_A, 3]))!.seqs[page] === 2;

    const r = await verify(vault, { transport: t, pin: PIN });
    expect(r.structural).toEqual([]); // every hash agrees with what it names
    expect(r.deep?.map((d) => [d.seq, d.ok])).toEqual([
      [1, true],
      [2, false], // the forged record
      [3, !seq3UsesIt],
    ]);
    expect(r.deep?.[1]?.sw).toBe(0x6988);
    expect(card.inspect().memory).toEqual(memoryBefore); // verify-only wrote nothing
    expect(card.inspect().restoreInProgress).toBe(false);
  });
});
