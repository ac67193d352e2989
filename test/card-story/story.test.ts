/**
 * The cardholder's story (issue 3, "Must show"): load value, back up, spend, restore
 * onto the same card and onto a replacement card. Non-value data comes back byte for
 * byte, value comes back as zero with SW 6283 (fig. 20), and the load history shows the
 * value load and the restore (claims 18-23).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import { creditUpdate } from '../../src/protocol/commands/apps/credit.ts';
import { token } from '../card/value-support.ts';
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
  const c = createTestCard({ cardNumber, seed: `story-${cardNumber}` });
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
    // Load value and points by the issuer's load tokens (version 2; recorded in the load history).
    expect(emoneyCredit.parseResponse(app(a, 'emoney', emoneyCredit.getApdu(token({ cardNumber: A, amount: 8200, loadCounter: 1 }), LOAD_DATE)))).toBe(8200);
    expect(membershipAddPoints.parseResponse(app(a, 'membership', membershipAddPoints.getApdu(token({ cardNumber: A, app: 'membership', amount: 1550, loadCounter: 1 }), LOAD_DATE)))).toBe(1550);
    // Back up.
    full = runBackup(a, 'full');
    for (const k of NON_VALUE) atBackup.set(k, area(a, k));
    // Spend, and change non-value data after the backup.
    expect(emoneyDebit.parseResponse(app(a, 'emoney', emoneyDebit.getApdu(3000, SPEND_DATE))).balanceAfter).toBe(5200);
    expect(swOf(app(a, 'credit', creditUpdate.getApdu('limit', 900_000)))).toBe(SW.OK);
    expect(swOf(app(a, 'id', idUpdate.getApdu('address', 0, new TextEncoder().encode('大阪府大阪市北区1-1'))))).toBe(SW.OK);
    expect(area(a, 'credit')).not.toEqual(atBackup.get('credit'));
  });

  it('the load history records the value loads', () => {
    const h = loadHistory(a);
    expect(h.entries).toEqual([
      { date: LOAD_DATE, what: 'value-load', aid: 'A0000009990201', amount: 8200 },
      { date: LOAD_DATE, what: 'points-load', aid: 'A0000009990205', amount: 1550 },
    ]);
  });

  it('restore onto the same card: non-value data byte for byte, value kept (version 2), history shows the restore', () => {
    expect(runRestore(a, full, [full])).toBe(SW.OK);
    for (const k of NON_VALUE) expect(area(a, k), k).toEqual(atBackup.get(k));
    // Full restore (fig. 19, 181): every application's flag is set until it acts on it.
    expect(a.inspect().apTable.every((s) => s.restoreExecuted)).toBe(true);

    // The balance before the restore was 5200: it is kept (value lives outside the backed-up memory).
    expect(balance(a)).toBe(5200);
    const log = emoneyReadLog.parseResponse(app(a, 'emoney', emoneyReadLog.getApdu()));
    expect(log[0]).toEqual({ date: 1_700_000_100_000, kind: 'restore', amount: 0, after: 5200 });
    expect(log[1]).toEqual({ date: SPEND_DATE, kind: 'spend', amount: 3000, after: 5200 });
    expect(membershipRead.parseResponse(app(a, 'membership', membershipRead.getApdu())).points).toBe(1550);

    const flags = Object.fromEntries(a.inspect().apTable.map((s) => [s.name, s.restoreExecuted]));
    expect(flags).toEqual({ 'e-money': false, credit: true, ID: true, medical: true, membership: false });
    expect(loadHistory(a).entries.at(-1)).toMatchObject({ what: 'restore-full', aid: '' });
  });

  it('restore onto a replacement card: the same, under the issuer authorisation', () => {
    const b = card(B);
    expect(runRestore(b, full, [full], { target: 'other', authorisation: authorise(full, b) })).toBe(SW.OK);
    expect(b.inspect().cardNumber).toBe(B);
    for (const k of NON_VALUE) expect(area(b, k), k).toEqual(atBackup.get(k));
    // Version 2: the new card's own value (zero); the issuer re-issues by load token.
    expect(balance(b)).toBe(0);
    expect(membershipRead.parseResponse(app(b, 'membership', membershipRead.getApdu()))).toMatchObject({ points: 0 });
    expect(emoneyCredit.parseResponse(app(b, 'emoney', emoneyCredit.getApdu(token({ cardNumber: B, amount: 1000, loadCounter: 1 }), SPEND_DATE)))).toBe(1000);
    const h = loadHistory(b).entries;
    expect(h.map((e) => e.what)).toEqual(['restore-full', 'value-load']);
  });
});
