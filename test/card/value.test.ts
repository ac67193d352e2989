/**
 * Version 2 value (issue 10, docs/trust.md "Value"), through `transmit` only: loads only by
 * issuer-signed load tokens, each once; every refusal with its status word and the whole
 * EEPROM unchanged; spends answer a card-signed receipt; value is outside the backed-up
 * memory.
 */
import { describe, expect, it } from 'vitest';
import { ed25519 } from '@noble/curves/ed25519.js';
import { backup, verifyPin } from '../../src/protocol/commands/index.ts';
import { APP_AID, emoneyCredit, emoneyDebit } from '../../src/protocol/commands/apps/index.ts';
import { command } from '../../src/protocol/apdu.ts';
import { send, runBackup } from './helpers.ts';
import { verifyReceipt } from '../../src/protocol/trust/receipt.ts';
import { cardSigningKey, counters, DATE, eepromOf, load, loadOk, newCard, receiptOf, sameBytes, selectApp, spend, token, valueLog, type ValueApp } from './value-support.ts';

const A = '4900000000000001';
const B = '4900000000000002';

/** Sends `go` and expects `sw` with every byte the card stores unchanged. */
function refused(card: ReturnType<typeof newCard>, sw: number, go: () => { sw: number }): void {
  const before = eepromOf(card);
  expect(go().sw.toString(16)).toBe(sw.toString(16));
  expect(sameBytes(eepromOf(card), before)).toBe(true);
}

describe.each<ValueApp>(['emoney', 'membership'])('%s load by token', (app) => {
  it('a valid token loads once: value, load counter, log entry and load history move together', () => {
    const card = newCard(A);
    expect(counters(card, app)).toEqual({ value: 0, loadCounter: 0, spendCounter: 0 });
    expect(loadOk(card, A, app, 5000)).toBe(5000);
    expect(counters(card, app)).toEqual({ value: 5000, loadCounter: 1, spendCounter: 0 });
    expect(valueLog(card, app)).toEqual([{ date: DATE, kind: 'load', amount: 5000, after: 5000 }]);
    const history = card.inspect().loadHistory;
    expect(history.entries.at(-1)).toMatchObject({ what: app === 'emoney' ? 'value-load' : 'points-load', amount: 5000, date: DATE });
    expect(loadOk(card, A, app, 700)).toBe(5700);
    expect(counters(card, app).loadCounter).toBe(2);
  });

  it('refuses a replayed token (6984), nothing changes', () => {
    const card = newCard(A);
    const t = token({ cardNumber: A, app, amount: 1000, loadCounter: 1 });
    expect(load(card, app, t).sw).toBe(0x9000);
    refused(card, 0x6984, () => load(card, app, t));
    expect(counters(card, app)).toEqual({ value: 1000, loadCounter: 1, spendCounter: 0 });
  });

  it('refuses an old or skipped load counter (6984)', () => {
    const card = newCard(A);
    loadOk(card, A, app, 10);
    loadOk(card, A, app, 10);
    refused(card, 0x6984, () => load(card, app, token({ cardNumber: A, app, amount: 10, loadCounter: 2 })));
    refused(card, 0x6984, () => load(card, app, token({ cardNumber: A, app, amount: 10, loadCounter: 4 })));
    refused(card, 0x6984, () => load(card, app, token({ cardNumber: A, app, amount: 10, loadCounter: 0 })));
  });

  it('refuses a forged token (6982): another key, or the amount changed after signing', () => {
    const card = newCard(A);
    const forger = ed25519.keygen(new Uint8Array(32).fill(7)).secretKey;
    refused(card, 0x6982, () => load(card, app, token({ cardNumber: A, app, amount: 1000, loadCounter: 1 }, forger)));
    const t = token({ cardNumber: A, app, amount: 1, loadCounter: 1 });
    const raised = t.slice();
    const amountAt = 5 + 4 + 2 + 8 + 1 + APP_AID[app].length;
    raised[amountAt + 1] = 0x10; // 1 -> 0x00100001
    refused(card, 0x6982, () => load(card, app, raised));
    const badSig = t.slice();
    badSig[badSig.length - 1] = (badSig[badSig.length - 1] ?? 0) ^ 1;
    refused(card, 0x6982, () => load(card, app, badSig));
  });

  it("refuses another card's, another application's, another issuer's token (6A80), another epoch's (6984)", () => {
    const card = newCard(A);
    refused(card, 0x6a80, () => load(card, app, token({ cardNumber: B, app, amount: 1000, loadCounter: 1 })));
    const other: ValueApp = app === 'emoney' ? 'membership' : 'emoney';
    refused(card, 0x6a80, () => load(card, app, token({ cardNumber: A, app: other, amount: 1000, loadCounter: 1 })));
    refused(card, 0x6a80, () => load(card, app, token({ cardNumber: A, app, amount: 1000, loadCounter: 1, issuer: 0x1234 })));
    refused(card, 0x6984, () => load(card, app, token({ cardNumber: A, app, amount: 1000, loadCounter: 1, epoch: 9 })));
  });

  it('refuses malformed tokens (6A80) and a wrong length (6700)', () => {
    const card = newCard(A);
    const t = token({ cardNumber: A, app, amount: 1000, loadCounter: 1 });
    const magic = t.slice();
    magic[0] = (magic[0] ?? 0) ^ 0xff;
    refused(card, 0x6a80, () => load(card, app, magic));
    const version = t.slice();
    version[4] = 1;
    refused(card, 0x6a80, () => load(card, app, version));
    refused(card, 0x6a80, () => load(card, app, token({ cardNumber: A, app, amount: 0, loadCounter: 1 })));
    // Version 1's CREDIT (amount u32 ‖ date u64, on the holder's PIN alone) no longer loads anything.
    selectApp(card, app);
    const v1 = command(0x80, app === 'emoney' ? 0x30 : 0x72, 0, 0, new Uint8Array(12), 4);
    refused(card, 0x6700, () => send(card, v1));
    refused(card, 0x6a80, () => load(card, app, t.subarray(0, t.length - 1)));
    refused(card, 0x6700, () => load(card, app, t.subarray(0, 40)));
  });

  it('refuses a load above the maximum (6985) and a load while a backup session locks memory (6985)', () => {
    const card = newCard(A);
    const max = app === 'emoney' ? 50_000 : 99_999_999;
    refused(card, 0x6985, () => load(card, app, token({ cardNumber: A, app, amount: max + 1, loadCounter: 1 })));
    send(card, verifyPin.getApdu('1234'));
    expect(send(card, backup.getApdu('full', DATE)).sw).toBe(0x9000);
    refused(card, 0x6985, () => load(card, app, token({ cardNumber: A, app, amount: 5, loadCounter: 1 })));
  });

  it('needs no PIN: the token is the authority, the PIN alone loads nothing', () => {
    const card = newCard(A);
    expect(load(card, app, token({ cardNumber: A, app, amount: 5, loadCounter: 1 })).sw).toBe(0x9000);
  });
});

describe.each<ValueApp>(['emoney', 'membership'])('%s spend with receipt', (app) => {
  const pin = (card: ReturnType<typeof newCard>) => {
    if (app === 'membership') expect(send(card, verifyPin.getApdu('1234')).sw).toBe(0x9000);
  };

  it('answers a receipt signed by the card: card, AID, amount, spend counter, value after, challenge', () => {
    const card = newCard(A);
    loadOk(card, A, app, 3000);
    pin(card);
    const challenge = Uint8Array.from({ length: 16 }, (_, i) => i + 1);
    const r = receiptOf(card, spend(card, app, 1200, challenge));
    expect(r).toMatchObject({ cardNumber: A, aid: APP_AID[app], amount: 1200, spendCounter: 1, balanceAfter: 1800, challenge });
    const r2 = receiptOf(card, spend(card, app, 800));
    expect(r2).toMatchObject({ amount: 800, spendCounter: 2, balanceAfter: 1000, challenge: new Uint8Array(0) });
    expect(counters(card, app)).toEqual({ value: 1000, loadCounter: 1, spendCounter: 2 });
    expect(valueLog(card, app).map((e) => [e.kind, e.amount, e.after])).toEqual([
      ['spend', 800, 1000],
      ['spend', 1200, 1800],
      ['load', 3000, 3000],
    ]);
  });

  it('refuses more than the value (6985), amount 0 (6A80), a challenge over 32 bytes (6700): nothing changes', () => {
    const card = newCard(A);
    loadOk(card, A, app, 100);
    pin(card);
    refused(card, 0x6985, () => spend(card, app, 101));
    refused(card, 0x6a80, () => send(card, command(0x80, app === 'emoney' ? 0x32 : 0x74, 0, 0, new Uint8Array(12), 256)));
    selectApp(card, app);
    refused(card, 0x6700, () => send(card, command(0x80, app === 'emoney' ? 0x32 : 0x74, 0, 0, new Uint8Array(12 + 33).fill(1), 256)));
  });

  it('a receipt changed after signing no longer verifies', () => {
    const card = newCard(A);
    loadOk(card, A, app, 100);
    pin(card);
    const r = receiptOf(card, spend(card, app, 40));
    const key = cardSigningKey(card);
    expect(verifyReceipt(key, r)).toBe(true);
    expect(verifyReceipt(key, { ...r, balanceAfter: r.balanceAfter + 1000 })).toBe(false);
    expect(verifyReceipt(key, { ...r, spendCounter: r.spendCounter + 1 })).toBe(false);
    expect(verifyReceipt(cardSigningKey(newCard(B)), r)).toBe(false);
  });
});

describe('membership REDEEM needs the PIN; e-money DEBIT does not', () => {
  it('6982 without it, nothing changes', () => {
    const card = newCard(A);
    loadOk(card, A, 'membership', 100);
    refused(card, 0x6982, () => spend(card, 'membership', 10));
    expect(spend(card, 'emoney', 1).sw).toBe(0x6985); // no PIN asked: refused only for want of value
  });
});

describe('value is outside the backed-up memory', () => {
  it('loads and spends change no memory page and mark none changed', () => {
    const card = newCard(A);
    send(card, verifyPin.getApdu('1234'));
    runBackup(card, 'full');
    const memory = card.inspect().memory;
    loadOk(card, A, 'emoney', 4000);
    loadOk(card, A, 'membership', 250);
    expect(spend(card, 'emoney', 1000).sw).toBe(0x9000);
    expect(spend(card, 'membership', 50).sw).toBe(0x9000);
    expect(card.inspect().changedPages).toEqual([]);
    expect(sameBytes(card.inspect().memory, memory)).toBe(true);
  });

  it('survives power off and on', () => {
    const card = newCard(A);
    loadOk(card, A, 'emoney', 4000);
    card.powerOff();
    card.powerOn();
    expect(counters(card, 'emoney')).toEqual({ value: 4000, loadCounter: 1, spendCounter: 0 });
  });
});

// Codecs stay in step with the card (one APDU each way).
describe('command bytes', () => {
  it('CREDIT is 80 30 00 00 Lc date ‖ token 04, DEBIT 80 32 00 00 Lc amount ‖ date ‖ challenge 00', () => {
    const t = token({ cardNumber: A, amount: 5, loadCounter: 1 });
    const c = emoneyCredit.getApdu(t, DATE);
    expect([c.cla, c.ins, c.p1, c.p2, c.data.length, c.ne]).toEqual([0x80, 0x30, 0, 0, 8 + t.length, 4]);
    const d = emoneyDebit.getApdu(5, DATE, new Uint8Array(3));
    expect([d.cla, d.ins, d.data.length, d.ne]).toEqual([0x80, 0x32, 15, 256]);
  });
});
