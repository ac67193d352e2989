/**
 * Version 2 value and restores (issue 10): a same-card restore keeps the balance (the
 * balance after it equals the balance before it: nothing created, nothing lost); a restore
 * into another card leaves that card's own value (zero for a new card: the issuer
 * re-issues by load token); the log says exactly that; the data applications still get
 * their restore-executed flags (card-AP link, figs. 6/20).
 */
import { describe, expect, it } from 'vitest';
import { verifyPin } from '../../src/protocol/commands/index.ts';
import { APP_AID } from '../../src/protocol/commands/apps/index.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { authorise, runBackup, runRestore, send } from './helpers.ts';
import { counters, loadOk, newCard, receiptOf, spend, valueLog } from './value-support.ts';

const A = '4900000000000001';
const B = '4900000000000002';

const flags = (card: ReturnType<typeof newCard>) => Object.fromEntries(card.inspect().apTable.map((a) => [a.aid.toUpperCase(), a.restoreExecuted]));
const E = hex(APP_AID.emoney).toUpperCase();
const M = hex(APP_AID.membership).toUpperCase();

describe('same-card restore', () => {
  it('keeps the balance: a spend after the backup stays spent, a load after it stays loaded', () => {
    const card = newCard(A);
    send(card, verifyPin.getApdu('1234'));
    loadOk(card, A, 'emoney', 5000);
    loadOk(card, A, 'membership', 300);
    const point = runBackup(card, 'full');
    receiptOf(card, spend(card, 'emoney', 1200));
    loadOk(card, A, 'membership', 50);
    const before = { e: counters(card, 'emoney'), m: counters(card, 'membership') };
    expect(runRestore(card, point, [point])).toBe(0x9000);
    expect(counters(card, 'emoney')).toEqual(before.e);
    expect(counters(card, 'membership')).toEqual(before.m);
    expect(before.e).toEqual({ value: 3800, loadCounter: 1, spendCounter: 1 });
  });

  it("logs one 'restore' entry per value application: amount 0, the value kept, dated by the restore", () => {
    const card = newCard(A);
    send(card, verifyPin.getApdu('1234'));
    loadOk(card, A, 'emoney', 900);
    const point = runBackup(card, 'full');
    expect(flags(card)[E]).toBe(false);
    expect(runRestore(card, point, [point])).toBe(0x9000);
    expect(flags(card)[E]).toBe(true);
    const log = valueLog(card, 'emoney');
    expect(log[0]).toEqual({ date: 1_700_000_100_000, kind: 'restore', amount: 0, after: 900 });
    expect(log[1]).toMatchObject({ kind: 'load', amount: 900 });
    expect(flags(card)[E]).toBe(false);
    // Once: the flag is cleared with the entry.
    expect(valueLog(card, 'emoney').filter((e) => e.kind === 'restore')).toHaveLength(1);
    // The data applications keep their flags for their own use (fig. 6).
    expect(Object.entries(flags(card)).filter(([aid]) => aid !== E && aid !== M).every(([, f]) => f)).toBe(true);
  });

  it('a spend right after a restore runs at once against the kept value (no 6283, nothing to redo)', () => {
    const card = newCard(A);
    send(card, verifyPin.getApdu('1234'));
    loadOk(card, A, 'emoney', 900);
    const point = runBackup(card, 'full');
    expect(runRestore(card, point, [point])).toBe(0x9000);
    const r = receiptOf(card, spend(card, 'emoney', 100));
    expect(r).toMatchObject({ balanceAfter: 800, spendCounter: 1 });
  });
});

describe('restore into another card', () => {
  it("leaves the target's value as it was: a new card stays at zero, a card with value keeps it", () => {
    const a = newCard(A);
    send(a, verifyPin.getApdu('1234'));
    loadOk(a, A, 'emoney', 5000);
    loadOk(a, A, 'membership', 300);
    const point = runBackup(a, 'full');

    const fresh = newCard(B);
    send(fresh, verifyPin.getApdu('1234'));
    expect(runRestore(fresh, point, [point], { target: 'other', authorisation: authorise(point, fresh) })).toBe(0x9000);
    expect(counters(fresh, 'emoney')).toEqual({ value: 0, loadCounter: 0, spendCounter: 0 });
    expect(counters(fresh, 'membership')).toEqual({ value: 0, loadCounter: 0, spendCounter: 0 });
    expect(valueLog(fresh, 'emoney')).toEqual([{ date: 1_700_000_100_000, kind: 'restore', amount: 0, after: 0 }]);

    const used = newCard(B, { seed: 'value B used' });
    send(used, verifyPin.getApdu('1234'));
    loadOk(used, B, 'emoney', 700);
    expect(runRestore(used, point, [point], { target: 'other', authorisation: authorise(point, used) })).toBe(0x9000);
    expect(counters(used, 'emoney')).toEqual({ value: 700, loadCounter: 1, spendCounter: 0 });
    expect(valueLog(used, 'emoney')[0]).toEqual({ date: 1_700_000_100_000, kind: 'restore', amount: 0, after: 700 });
    // The source card still holds its own value: nothing was moved, nothing doubled.
    expect(counters(a, 'emoney').value).toBe(5000);
  });
});
