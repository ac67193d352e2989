/**
 * The host's main path on a simulated card: full backup, memory changed by an
 * application, diff, automatic choice, the vault reopened, then restores of the
 * points onto the same card (compacted and replayed) and onto a second card of the
 * same issuer with the issuer's authorisation. Memory must equal the point byte for
 * byte, except the card's own identity block, which a restore never writes.
 */
import { describe, expect, it } from 'vitest';
import { backup, restore, type Progress } from '../../src/host/index.ts';
import { CARD_A, CARD_B, changeRandomPages, demoAuthority, direct, makeCard, PIN, poke, restorable, rng, vaultFactory } from './fixture.ts';

// Backups run over an extended link; restores also over a short-only link (command
// chaining). A backup over a short link needs 61xx/GET RESPONSE: see reader-bugs.test.ts.
describe('round trip', () => {
  it('backs up full, diff, auto; restores each point on the same card and on another card', async () => {
    const card = makeCard(CARD_A);
    const t = direct(card);
    const short = direct(card, { extendedLength: false });
    const vf = vaultFactory();
    let vault = await vf.open();
    const next = rng(7);

    const events: Progress[] = [];
    const full = await backup(t, vault, { pin: PIN, kind: 'full', date: 1_000, onProgress: (p) => events.push(p), now: () => 0 });
    expect([full.seq, full.kind, full.pages]).toEqual([1, 'full', 256]);
    expect(full.row.confirmed).toBe(true);
    expect(events.map((e) => e.phase)).toContain('transferring');
    expect(events[events.length - 1]).toMatchObject({ phase: 'done', pages: 256, totalPages: 256 });
    const atFull = restorable(card);

    poke(card, 100, new Uint8Array(40).fill(0xab));
    changeRandomPages(card, next, 5);
    const changed = card.inspect().changedPages.length;
    const diff = await backup(t, vault, { pin: PIN, kind: 'diff', date: 2_000 });
    expect([diff.seq, diff.kind, diff.pages]).toEqual([2, 'diff', changed]);
    expect(card.inspect().changedPages).toEqual([]);
    const atDiff = restorable(card);

    changeRandomPages(card, next, 3);
    const auto = await backup(t, vault, { pin: PIN, kind: 'auto', date: 3_000 });
    expect(auto.kind).toBe('diff');
    const atAuto = restorable(card);

    // Reopen: everything above came from IndexedDB, not from memory.
    vault.close();
    vault = await vf.open();
    expect((await vault.timeline(CARD_A)).map((e) => [e.seq, e.kind, e.confirmed])).toEqual([
      [3, 'diff', true],
      [2, 'diff', true],
      [1, 'full', true],
    ]);
    expect(await vault.verify()).toEqual([]);

    changeRandomPages(card, next, 4);
    const r1 = await restore(short, vault, { pin: PIN, card: CARD_A, seq: 2, mode: 'compacted' });
    expect(restorable(card)).toEqual(atDiff);
    expect(r1.steps).toBe(1);
    expect(short.log.some((e) => ((e.command[0] ?? 0) & 0x10) !== 0)).toBe(true); // chained
    expect(r1.flagged.length).toBe(r1.apTable.filter((a) => a.size > 0).length);
    expect(r1.status.currentPoint).toBe(2);

    const r2 = await restore(t, vault, { pin: PIN, card: CARD_A, seq: 3, mode: 'replay' });
    expect(r2.steps).toBe(3);
    expect(restorable(card)).toEqual(atAuto);
    await restore(t, vault, { pin: PIN, card: CARD_A, seq: 1 });
    expect(restorable(card)).toEqual(atFull);

    // After a restore the card's current point is seq 1: auto makes a diff on it.
    poke(card, 300, Uint8Array.of(1, 2, 3));
    const after = await backup(t, vault, { pin: PIN, kind: 'auto', date: 4_000 });
    expect([after.seq, after.kind, after.row.baseSeq]).toEqual([4, 'diff', 1]);
    expect(await vault.verify()).toEqual([]);

    // Another card of the same issuer (fig. 9): the issuer authorises this source, target and point.
    const other = makeCard(CARD_B);
    const tb = direct(other, { extendedLength: false });
    const seen: string[] = [];
    const r3 = await restore(tb, vault, {
      pin: PIN,
      card: CARD_A,
      seq: 3,
      target: 'other',
      authority: {
        authoriseRestore: (r) => {
          seen.push(`${r.pointHeader.length}:${r.targetCounter}`);
          return demoAuthority.authoriseRestore(r);
        },
      },
    });
    // One RESTORE session (compacted), asked with the target's counter as it stood: 0.
    expect(seen).toEqual(['126:0']);
    expect(other.inspect().authorisationCounter).toBe(1);
    expect(r3.targetCard).toBe(CARD_B);
    expect(restorable(other)).toEqual(atAuto);
    expect(other.inspect().cardNumber).toBe(CARD_B);
    vault.close();
  });
});
