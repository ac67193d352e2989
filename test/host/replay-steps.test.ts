/**
 * A replay restore reads each step's records from the vault when it sends that step (a
 * batch of steps per read). Progress totals are known from the plan before anything is
 * read; a step whose pack turns out missing stops the restore with a plain error, the
 * card left at the last step it completed (a whole earlier point) or untouched.
 */
import { describe, expect, it } from 'vitest';
import { backup, restore, type HostError, type Progress } from '../../src/host/index.ts';
import { buildChain } from './chain.ts';
import { CARD_A, changeRandomPages, direct, makeCard, PIN, restorable, rng, vaultFactory } from './fixture.ts';

describe('replay restore, steps read as sent', () => {
  it('after a restore of an older point, the next diff branches from it: a replay sends that chain only', async () => {
    const card = makeCard(CARD_A);
    const t = direct(card, { extendedLength: true });
    const vault = await vaultFactory().open();
    const chain = await buildChain(card, t, vault, { diffs: 4, seed: 21 });
    await restore(t, vault, { pin: PIN, card: CARD_A, seq: 2 });
    changeRandomPages(card, rng(22), 3);
    const branch = await backup(t, vault, { pin: PIN, kind: 'diff', date: 9_000 });
    expect(branch.seq).toBe(6);
    const want = restorable(card);
    const plan = await vault.restorePlan(CARD_A, 6, 'replay');
    expect(plan.mode === 'replay' && plan.steps.map((s) => [s.seq, s.baseSeq])).toEqual([
      [1, 0],
      [2, 1],
      [6, 2],
    ]);
    changeRandomPages(card, rng(23), 10);
    const events: Progress[] = [];
    const r = await restore(t, vault, { pin: PIN, card: CARD_A, seq: 6, mode: 'replay', onProgress: (p) => events.push(p) });
    expect(r.steps).toBe(3);
    expect(restorable(card)).toEqual(want);
    // The totals are the plan's from the first event on, and the transfer ends on them exactly.
    const total = plan.mode === 'replay' ? plan.pages : -1;
    expect(new Set(events.filter((e) => e.phase !== 'reading-card' && e.phase !== 'planning').map((e) => e.totalPages))).toEqual(new Set([total]));
    expect(r.pages).toBe(total);
    // The older branch point is still its own chain.
    await restore(t, vault, { pin: PIN, card: CARD_A, seq: 5, mode: 'replay' });
    expect(restorable(card)).toEqual(chain.points.get(5));
  });

  it('a missing pack found before any step is sent: refused, the card untouched', async () => {
    const card = makeCard(CARD_A);
    const t = direct(card);
    const vault = await vaultFactory().open();
    await buildChain(card, t, vault, { diffs: 4, seed: 31 });
    await vault.db.delete('packs', [CARD_A, 3]);
    changeRandomPages(card, rng(32), 4);
    const before = restorable(card);
    const err = (await restore(t, vault, { pin: PIN, card: CARD_A, seq: 5, mode: 'replay' }).catch((e: unknown) => e)) as HostError;
    expect(err.code).toBe('VAULT');
    expect(err.message).toBe(`restore: card ${CARD_A} seq 5: the pages stored by seq 3 are missing`);
    expect(restorable(card)).toEqual(before);
    expect(card.inspect().restoreInProgress).toBe(false);
  });

  it('a missing pack found mid-way: the steps before it completed, the card holds that whole point, the error says so', async () => {
    const card = makeCard(CARD_A);
    const t = direct(card, { extendedLength: true });
    const vault = await vaultFactory().open();
    const chain = await buildChain(card, t, vault, { diffs: 69, seed: 41, maxPages: 2 });
    await vault.db.delete('packs', [CARD_A, 66]); // in the second batch of steps read
    changeRandomPages(card, rng(42), 4);
    const err = (await restore(t, vault, { pin: PIN, card: CARD_A, seq: 70, mode: 'replay' }).catch((e: unknown) => e)) as HostError;
    expect(err.code).toBe('VAULT');
    expect(err.message).toBe(
      `restore stopped after step 64 of 70: the card now holds seq 64, a whole earlier point of the chain (a compacted restore needs only each page's newest copy and may still work). restore: card ${CARD_A} seq 70: the pages stored by seq 66 are missing`,
    );
    expect(card.inspect().point).toEqual({ card: CARD_A, seq: 64 });
    expect(card.inspect().restoreInProgress).toBe(false);
    expect(restorable(card)).toEqual(chain.points.get(64));
  });
});
