/**
 * Cancelling a restore: the card stages records in RAM and writes only at RESTORE
 * COMPLETE, so a compacted restore cancelled mid-transfer leaves memory exactly as it
 * was (the host sends RESTORE ABORT). A replay cancelled between steps leaves the card
 * at the last step it completed: a whole, earlier point of the chain, never a mix.
 */
import { describe, expect, it } from 'vitest';
import { restore, type HostError } from '../../src/host/index.ts';
import { buildChain } from './chain.ts';
import { CARD_A, changeRandomPages, direct, makeCard, PIN, restorable, rng, vaultFactory } from './fixture.ts';

describe('cancelling a restore', () => {
  it('compacted, mid-transfer: memory unchanged, RESTORE ABORT sent', async () => {
    const card = makeCard(CARD_A);
    const t = direct(card);
    const vault = await vaultFactory().open();
    await buildChain(card, t, vault, { diffs: 3, seed: 8 });
    changeRandomPages(card, rng(9), 5);
    const before = card.inspect().memory;
    const ctl = new AbortController();
    t.log.length = 0;
    const err = (await restore(t, vault, {
      pin: PIN,
      card: CARD_A,
      seq: 2,
      signal: ctl.signal,
      onProgress: (p) => p.phase === 'transferring' && p.pages > 0 && ctl.abort(),
    }).catch((e: unknown) => e)) as HostError;
    expect(err.code).toBe('CANCELLED');
    expect(t.sent().filter((i) => i === '80c2')).toHaveLength(1); // one of two transfers went out
    expect(t.sent()).toContain('80c6');
    expect(t.sent()).not.toContain('80c4');
    expect(card.inspect().memory).toEqual(before);
    expect(card.inspect().restoreInProgress).toBe(false);
  });

  it('replay, between steps: the card holds the last completed step point', async () => {
    const card = makeCard(CARD_A);
    const t = direct(card);
    const vault = await vaultFactory().open();
    const chain = await buildChain(card, t, vault, { diffs: 5, seed: 10 });
    const ctl = new AbortController();
    let completed = 0;
    const err = (await restore(t, vault, {
      pin: PIN,
      card: CARD_A,
      seq: 6,
      mode: 'replay',
      signal: ctl.signal,
      onProgress: (p) => {
        if (p.phase === 'starting' && ++completed === 4) ctl.abort(); // three steps done
      },
    }).catch((e: unknown) => e)) as HostError;
    expect(err.code).toBe('CANCELLED');
    expect(card.inspect().point).toEqual({ card: CARD_A, seq: 3 });
    expect(restorable(card)).toEqual(chain.points.get(3));
  });
});
