/**
 * One full backup and 200 differential backups, random pages changed before each
 * (seeded): restoring a point gives memory equal byte for byte to that point, both
 * compacted (each page once, from its newest copy) and replayed (claim 15: the full,
 * then every diff in order), on the same card and on a second card of the issuer.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SimCard } from '../../src/card-sim/index.ts';
import { restore } from '../../src/host/index.ts';
import type { Vault } from '../../src/vault/index.ts';
import { buildChain, type Chain } from './chain.ts';
import type { DirectTransport } from './direct-transport.ts';
import { CARD_A, CARD_B, changeRandomPages, demoAuthority, direct, expectChainIntact, makeCard, PIN, restorable, rng, vaultFactory } from './fixture.ts';

describe('1 full + 200 diffs', () => {
  let card: SimCard;
  let t: DirectTransport;
  let vault: Vault;
  let chain: Chain;

  beforeAll(async () => {
    card = makeCard(CARD_A);
    t = direct(card, { extendedLength: true });
    vault = await vaultFactory().open();
    chain = await buildChain(card, t, vault, { diffs: 200, seed: 2002 });
  });

  const point = (seq: number) => chain.points.get(seq) as Uint8Array;

  it('stored a whole chain', async () => {
    expect(chain.last).toBe(201);
    expect((await expectChainIntact(vault, CARD_A)).length).toBe(201);
  });

  it.each([201, 137, 1])('restores seq %i compacted, each page once', async (seq) => {
    changeRandomPages(card, rng(seq), 10);
    const before = t.apdus;
    const r = await restore(t, vault, { pin: PIN, card: CARD_A, seq, mode: 'compacted' });
    expect(restorable(card)).toEqual(point(seq));
    expect(r.pages).toBe(card.inspect().pageCount);
    expect(r.steps).toBe(1);
    // GET DATA x2, VERIFY, RESTORE, 2 transfers (256 records > one 64 KiB command), COMPLETE, GET DATA x2.
    expect(t.apdus - before).toBeLessThanOrEqual(10);
  });

  it('restores seq 201 replayed, every diff in order', async () => {
    changeRandomPages(card, rng(99), 10);
    const r = await restore(t, vault, { pin: PIN, card: CARD_A, seq: 201, mode: 'replay' });
    expect(r.steps).toBe(201);
    expect(restorable(card)).toEqual(point(201));
  });

  it.each(['compacted', 'replay'] as const)('restores seq 201 onto a second card, %s', async (mode) => {
    const other = makeCard(CARD_B);
    const r = await restore(direct(other), vault, { pin: PIN, card: CARD_A, seq: 201, mode, target: 'other', authority: demoAuthority });
    expect(r.targetCard).toBe(CARD_B);
    expect(restorable(other)).toEqual(point(201));
    expect(other.inspect().cardNumber).toBe(CARD_B);
  });
});
