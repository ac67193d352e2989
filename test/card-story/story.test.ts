/**
 * The cardholder's story (issue 3, "Must show"): load value, back up, spend, restore
 * onto the same card and onto a replacement card. Non-value data comes back byte for
 * byte, value comes back as zero with SW 6283 (fig. 20), and the load history shows the
 * value load and the restore (claims 18-23).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { createSimCard, type SimCard } from '../../src/card-sim/index.ts';
import { creditUpdate } from '../../src/protocol/commands/apps/credit.ts';
import { emoneyCredit, emoneyDebit, emoneyReadBalance, emoneyReadLog } from '../../src/protocol/commands/apps/emoney.ts';
import { idUpdate } from '../../src/protocol/commands/apps/identity.ts';
import { membershipAddPoints, membershipRead } from '../../src/protocol/commands/apps/membership.ts';
import { SW } from '../../src/protocol/status-words.ts';
import { authorise, runBackup, runRestore, verify, type StoredBackup } from '../card/helpers.ts';
import { app, area, loadHistory, NON_VALUE, swOf } from './driver.ts';

const LOAD_DATE = Date.UTC(2025, 2, 1, 10, 0);
const SPEND_DATE = Date.UTC(2025, 2, 2, 18, 30);
const A = '4900000000000101';
const B = '4900000000000202';

function card(cardNumber: string): SimCard {
  const c = createSimCard({ cardNumber, seed: `story-${cardNumber}` });
  c.powerOn();
  verify(c);
  return c;
}

const balance = (c: SimCard) => emoneyReadBalance.parseResponse(app(c, 'emoney', emoneyReadBalance.getApdu()));

describe('the card story', () => {
  let a: SimCard;
  let full: StoredBackup;
  const atBackup = new Map<string, Uint8Array>();

  beforeAll(() => {
    a = card(A);
    // Load value (needs the PIN; recorded in the load history) and earn points.
    expect(emoneyCredit.parseResponse(app(a, 'emoney', emoneyCredit.getApdu(5000, LOAD_DATE))).value).toBe(8200);
    expect(membershipAddPoints.parseResponse(app(a, 'membership', membershipAddPoints.getApdu(300, LOAD_DATE))).value).toBe(1550);
    // Back up.
    full = runBackup(a, 'full');
    for (const k of NON_VALUE) atBackup.set(k, area(a, k));
    // Spend, and change non-value data after the backup.
    expect(emoneyDebit.parseResponse(app(a, 'emoney', emoneyDebit.getApdu(3000, SPEND_DATE))).value).toBe(5200);
    expect(swOf(app(a, 'credit', creditUpdate.getApdu('limit', 900_000)))).toBe(SW.OK);
    expect(swOf(app(a, 'id', idUpdate.getApdu('address', 0, new TextEncoder().encode('大阪府大阪市北区1-1'))))).toBe(SW.OK);
    expect(area(a, 'credit')).not.toEqual(atBackup.get('credit'));
  });

  it('the load history records the value loads', () => {
    const h = loadHistory(a);
    expect(h.entries).toEqual([
      { date: LOAD_DATE, what: 'value-load', aid: 'A0000009990201', amount: 5000 },
      { date: LOAD_DATE, what: 'points-load', aid: 'A0000009990205', amount: 300 },
    ]);
  });

  it('restore onto the same card: non-value data byte for byte, value zero with 6283, history shows the restore', () => {
    expect(runRestore(a, full, [full])).toBe(SW.OK);
    for (const k of NON_VALUE) expect(area(a, k), k).toEqual(atBackup.get(k));
    // Full restore (fig. 19, 181): every application's flag is set until it acts on it.
    expect(a.inspect().apTable.every((s) => s.restoreExecuted)).toBe(true);

    // The first e-money command reports the reset; the balance before the restore was 5200.
    expect(balance(a)).toEqual({ value: 0, valueReset: true });
    expect(balance(a)).toEqual({ value: 0, valueReset: false });
    const log = emoneyReadLog.parseResponse(app(a, 'emoney', emoneyReadLog.getApdu())).value;
    // The reset entry names what was discarded: the backup's 8200 (not the 5200 spent down to).
    expect(log[0]).toEqual({ date: 0, kind: 'reset', amount: 8200, after: 0 });
    expect(log[1]).toEqual({ date: LOAD_DATE, kind: 'credit', amount: 5000, after: 8200 });

    // A value command as the first command: not executed, 6283.
    expect(membershipAddPoints.parseResponse(app(a, 'membership', membershipAddPoints.getApdu(10, SPEND_DATE)))).toEqual({ value: undefined, valueReset: true });
    expect(membershipRead.parseResponse(app(a, 'membership', membershipRead.getApdu())).value.points).toBe(0);

    const flags = Object.fromEntries(a.inspect().apTable.map((s) => [s.name, s.restoreExecuted]));
    expect(flags).toEqual({ 'e-money': false, credit: true, ID: true, medical: true, membership: false });
    expect(loadHistory(a).entries.at(-1)).toMatchObject({ what: 'restore-full', aid: '', amount: a.inspect().pageCount - 1 });
  });

  it('restore onto a replacement card: the same, under the issuer authorisation', () => {
    const b = card(B);
    expect(runRestore(b, full, [full], { target: 'other', authorisation: authorise(full, B) })).toBe(SW.OK);
    expect(b.inspect().cardNumber).toBe(B);
    for (const k of NON_VALUE) expect(area(b, k), k).toEqual(atBackup.get(k));
    expect(balance(b)).toEqual({ value: 0, valueReset: true });
    expect(membershipRead.parseResponse(app(b, 'membership', membershipRead.getApdu()))).toMatchObject({ value: { points: 0 }, valueReset: true });
    // A value load works again afterwards (PIN of card B, verified in this session).
    expect(emoneyCredit.parseResponse(app(b, 'emoney', emoneyCredit.getApdu(1000, SPEND_DATE)))).toEqual({ value: 1000, valueReset: false });
    const h = loadHistory(b).entries;
    expect(h.map((e) => e.what)).toEqual(['restore-full', 'value-load']);
  });
});
