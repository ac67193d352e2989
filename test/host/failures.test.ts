/**
 * What goes wrong, and what the cardholder is told: a reader unplugged mid-transfer or
 * during BACKUP COMPLETE, a diff the vault cannot anchor, wrong and blocked PINs.
 */
import { describe, expect, it } from 'vitest';
import { backup, HostError } from '../../src/host/index.ts';
import { CARD_A, changeRandomPages, direct, dump, expectChainIntact, makeCard, PIN, rng, vaultFactory } from './fixture.ts';
import { failingAfter, ReaderGone } from './failing-transport.ts';

const isIns = (ins: number) => (apdu: Uint8Array) => apdu[1] === ins;

async function setup() {
  const card = makeCard(CARD_A);
  const t = direct(card);
  const vault = await vaultFactory().open();
  await backup(t, vault, { pin: PIN, kind: 'full', date: 1 });
  changeRandomPages(card, rng(5), 20);
  return { card, t, vault, pending: card.inspect().changedPages };
}

describe('the reader fails', () => {
  it('mid-transfer: HostError TRANSPORT with the cause, vault unchanged, the card recovers on the next flow', async () => {
    const { card, t, vault, pending } = await setup();
    const before = await dump(vault);
    // A full backup takes two BACKUP DATA TRANSFERs on this card: the reader dies on the second.
    const bad = failingAfter(t, 1, { only: isIns(0xb2) });
    const err = (await backup(bad, vault, { pin: PIN, kind: 'full', date: 2 }).catch((e: unknown) => e)) as HostError;
    expect(err).toBeInstanceOf(HostError);
    expect(err.code).toBe('TRANSPORT');
    expect(err.cause).toBeInstanceOf(ReaderGone);
    expect(err.message).toMatch(/unplugged/);
    expect(await dump(vault)).toEqual(before);
    // The cleanup could not reach the card: its backup session is still open, changes pending.
    expect(card.inspect().backupInProgress).toBe(true);
    expect(card.inspect().changedPages).toEqual(pending);
    // Plugged back in: the next flow ends the stale session and backs up the pending pages.
    const next = await backup(t, vault, { pin: PIN, kind: 'auto', date: 3 });
    expect([next.kind, next.seq]).toEqual(['diff', 3]);
    expect(next.row.pagesChanged).toEqual(pending);
    expect(await expectChainIntact(vault, CARD_A)).toEqual([1, 3]);
  });

  it('a power cycle (card pulled) also recovers', async () => {
    const { card, t, vault, pending } = await setup();
    await backup(failingAfter(t, 0, { only: isIns(0xb2) }), vault, { pin: PIN, kind: 'diff', date: 2 }).catch(() => undefined);
    card.powerOff();
    expect(card.inspect().changedPages).toEqual(pending);
    const next = await backup(t, vault, { pin: PIN, kind: 'auto', date: 3 });
    expect(next.row.pagesChanged).toEqual(pending);
  });

  it.each([
    ['reached the card', true, 'confirmed'],
    ['never reached the card', false, 'discarded'],
  ])('during BACKUP COMPLETE that %s: the vault keeps it unconfirmed, the next flow settles it', async (_n, delivered, outcome) => {
    const { card, t, vault, pending } = await setup();
    const bad = failingAfter(t, 0, { only: isIns(0xb4), deliverFailing: delivered });
    const err = (await backup(bad, vault, { pin: PIN, kind: 'diff', date: 2 }).catch((e: unknown) => e)) as HostError;
    expect(err.code).toBe('TRANSPORT');
    // Not knowing whether the card completed, the host keeps the backup, unconfirmed and unlisted as latest.
    expect((await vault.getBackup(CARD_A, 2))?.confirmed).toBe(false);
    expect((await vault.latest(CARD_A))?.seq).toBe(1);
    expect(card.inspect().changedPages).toEqual(delivered ? [] : pending);
    const next = await backup(t, vault, { pin: PIN, kind: 'auto', date: 3 });
    expect(next.kind).toBe('diff');
    if (outcome === 'confirmed') {
      expect((await vault.getBackup(CARD_A, 2))?.confirmed).toBe(true);
      expect(next.row.baseSeq).toBe(2);
      expect(await expectChainIntact(vault, CARD_A)).toEqual([1, 2, 3]);
    } else {
      expect(await vault.getBackup(CARD_A, 2)).toBeUndefined();
      expect(next.row.pagesChanged).toEqual(pending);
      expect(await expectChainIntact(vault, CARD_A)).toEqual([1, 3]);
    }
  });
});

describe('refused before anything changes', () => {
  it('a diff whose base the vault does not hold: MISSING_BASE, no VERIFY, no BACKUP sent', async () => {
    const card = makeCard(CARD_A);
    const t = direct(card);
    await backup(t, await vaultFactory().open(), { pin: PIN, kind: 'full', date: 1 });
    const elsewhere = await vaultFactory().open(); // a vault that never saw seq 1
    t.log.length = 0;
    const err = (await backup(t, elsewhere, { pin: PIN, kind: 'diff', date: 2 }).catch((e: unknown) => e)) as HostError;
    expect(err.code).toBe('MISSING_BASE');
    expect(err.message).toMatch(/seq 1/);
    expect(t.sent()).not.toContain('80b0');
    expect(t.sent()).not.toContain('0020');
    expect(await elsewhere.listCards()).toEqual([]);
    // auto picks a full instead
    expect((await backup(t, elsewhere, { pin: PIN, kind: 'auto', date: 3 })).kind).toBe('full');
  });

  it('wrong PIN: tries left, then blocked; nothing reaches the vault', async () => {
    const card = makeCard(CARD_A);
    const t = direct(card);
    const vault = await vaultFactory().open();
    const fail = async (pin: string) => (await backup(t, vault, { pin, kind: 'full', date: 1 }).catch((e: unknown) => e)) as HostError;
    expect(await fail('9999')).toMatchObject({ code: 'WRONG_PIN', triesLeft: 2, sw: 0x63c2 });
    expect(await fail('9999')).toMatchObject({ code: 'WRONG_PIN', triesLeft: 1 });
    expect(await fail('9999')).toMatchObject({ code: 'WRONG_PIN', triesLeft: 0 });
    expect(await fail(PIN)).toMatchObject({ code: 'PIN_BLOCKED', sw: 0x6983 });
    expect(await fail('12')).toMatchObject({ code: 'WRONG_PIN' }); // malformed: never sent
    expect(t.sent()).not.toContain('80b0');
    expect(await vault.listCards()).toEqual([]);
  });
});
