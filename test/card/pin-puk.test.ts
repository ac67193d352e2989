/**
 * RESET RETRY COUNTER with the PUK (issue 10): unblocks a blocked PIN and sets a new
 * one, spending the PUK's own tries (written before the comparison; blocked after
 * PUK_TRIES wrong ones: 6983). The PUK never appears in a backup. Through `transmit` only.
 */
import { describe, expect, it } from 'vitest';
import type { SimCard } from '../../src/card-sim/index.ts';
import { createTestCard, testIssuer, type TestCardOptions } from '../support/card.ts';
import { equal } from '../../src/protocol/bytes.ts';
import { PUK_TRIES, resetRetryCounter, verifyPin } from '../../src/protocol/commands/pin.ts';
import { openPage } from '../../src/card-sim/crypto.ts';
import { recordsOf, runBackup, send, verify } from './helpers.ts';

const PUK = '12345678';
const RRC = (data: Uint8Array, p1 = 0x00, p2 = 0x81) => ({ cla: 0x00, ins: 0x2c, p1, p2, data, ne: 0 });
const ascii = (s: string) => new TextEncoder().encode(s);
const sw = (card: SimCard, c: Parameters<typeof send>[1]) => send(card, c).sw.toString(16);

function blocked(seed: string, extra: TestCardOptions = {}): SimCard {
  const card = createTestCard({ seed, memorySize: 8192, ...extra });
  card.powerOn();
  for (const expected of ['63c2', '63c1', '63c0', '6983']) expect(sw(card, verifyPin.getApdu('0000'))).toBe(expected);
  return card;
}

describe('RESET RETRY COUNTER (PUK, issue 10)', () => {
  it('unblocks a blocked PIN and sets the new one; the old PIN no longer works', () => {
    const card = blocked('puk-ok');
    expect(sw(card, resetRetryCounter.getApdu(PUK, '246810'))).toBe('9000');
    expect(card.inspect().pinTriesLeft).toBe(3);
    expect(card.inspect().pinVerified).toBe(false);
    expect(sw(card, verifyPin.getApdu('1234'))).toBe('63c2');
    expect(sw(card, verifyPin.getApdu('246810'))).toBe('9000');
  });

  it('a wrong PUK spends its own try (63Cx), leaves the PIN blocked, and blocks the PUK after its tries (6983)', () => {
    const card = blocked('puk-wrong');
    for (let left = PUK_TRIES - 1; left >= 0; left--) expect(sw(card, resetRetryCounter.getApdu('87654321', '4321'))).toBe((0x63c0 | left).toString(16));
    const before = card.save();
    expect(sw(card, resetRetryCounter.getApdu(PUK, '4321'))).toBe('6983');
    expect(equal(card.save(), before), 'a blocked PUK changes nothing').toBe(true);
    expect(sw(card, verifyPin.getApdu('1234'))).toBe('6983');
  });

  it('every malformed attempt (any length, non-digits) spends a try and answers like a wrong PUK', () => {
    const card = blocked('puk-malformed');
    const attempts = [new Uint8Array(0), ascii('1'), ascii('1234567'), ascii('12345670'), ascii('1234567x1234'), new Uint8Array(40).fill(0x39)];
    attempts.forEach((data, i) => expect(sw(card, RRC(data)), `attempt ${i}`).toBe((0x63c0 | (PUK_TRIES - 1 - i)).toString(16)));
  });

  it('the right PUK with a malformed new PIN: 6A80, PIN still blocked, PUK tries back to full', () => {
    const card = blocked('puk-bad-pin');
    expect(sw(card, resetRetryCounter.getApdu('87654321', '4321'))).toBe((0x63c0 | (PUK_TRIES - 1)).toString(16));
    for (const next of ['', '123', '12a4', '1234567890123']) expect(sw(card, RRC(ascii(PUK + next))), `new PIN '${next}'`).toBe('6a80');
    expect(sw(card, verifyPin.getApdu('1234'))).toBe('6983');
    // The tries came back: PUK_TRIES - 1 wrong ones still leave one.
    for (let i = 0; i < PUK_TRIES - 1; i++) send(card, resetRetryCounter.getApdu('87654321', '4321'));
    expect(sw(card, resetRetryCounter.getApdu(PUK, '4321'))).toBe('9000');
  });

  it('a success gives the PUK its tries back; the PIN need not be blocked', () => {
    const card = createTestCard({ seed: 'puk-unblocked', memorySize: 8192 });
    card.powerOn();
    expect(sw(card, resetRetryCounter.getApdu('11111111', '4321'))).toBe((0x63c0 | (PUK_TRIES - 1)).toString(16));
    expect(sw(card, resetRetryCounter.getApdu(PUK, '4321'))).toBe('9000');
    expect(sw(card, resetRetryCounter.getApdu('11111111', '4321'))).toBe((0x63c0 | (PUK_TRIES - 1)).toString(16));
    expect(sw(card, verifyPin.getApdu('4321'))).toBe('9000');
  });

  // Version 2: every card has a PUK (the issuer's personalisation carries one, sealed to the card).
  it('refuses wrong P1/P2 (6A86) without spending anything', () => {
    const card = blocked('puk-p1p2');
    const before = card.save();
    expect(sw(card, RRC(ascii(PUK + '4321'), 0x01))).toBe('6a86');
    expect(sw(card, RRC(ascii(PUK + '4321'), 0x00, 0x80))).toBe('6a86');
    expect(equal(card.save(), before)).toBe(true);
  });

  it('is refused with 6985 inside a backup session (memory locked), spending nothing', () => {
    const card = createTestCard({ seed: 'puk-locked', memorySize: 8192 });
    card.powerOn();
    verify(card);
    runBackup(card, 'full', { complete: false });
    const before = card.save();
    expect(sw(card, resetRetryCounter.getApdu(PUK, '4321'))).toBe('6985');
    expect(equal(card.save(), before)).toBe(true);
  });

  it('the PUK never appears in a backup nor in the inspected memory', () => {
    const puk = '98765432109';
    const card = createTestCard({ seed: 'puk-secret', memorySize: 8192, puk });
    card.powerOn();
    verify(card);
    const full = runBackup(card, 'full');
    const needle = ascii(puk);
    const has = (hay: Uint8Array) => hay.some((_, i) => needle.every((v, j) => hay[i + j] === v));
    expect(has(card.inspect().memory)).toBe(false);
    // Open the backup's identity page(s) as the issuer can (its epoch key opens the wrapped key): the PUK is not there.
    const key = testIssuer().openWrappedKey(full.wrappedKeyBytes).uniqueKey;
    const h = full.header;
    const ctx = { issuer: h.issuer, epoch: h.epoch, cardNumber: h.cardNumber };
    const identityPages = recordsOf(full).filter((r) => r.page * h.pageSize < card.inspect().identityBlock.size);
    expect(identityPages.length).toBeGreaterThan(0);
    for (const r of identityPages) {
      const plain = openPage(key, ctx, r.seq, r.kind, r.page, r.sealed, h.pageSize);
      expect(plain, `page ${r.page} opens`).toBeDefined();
      expect(has(plain ?? new Uint8Array(0)), `PUK in backed-up page ${r.page}`).toBe(false);
    }
    expect(sw(card, resetRetryCounter.getApdu(puk, '4321'))).toBe('9000');
  });
});

describe('VERIFY spends the try before judging the data (issue 10)', () => {
  it('malformed data of any length or content answers like a wrong PIN and spends a try', () => {
    const card = createTestCard({ seed: 'verify-malformed', memorySize: 8192 });
    card.powerOn();
    const VERIFY = (data: Uint8Array) => ({ cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x81, data, ne: 0 });
    expect(sw(card, VERIFY(ascii('12')))).toBe('63c2');
    expect(sw(card, VERIFY(ascii('12a4')))).toBe('63c1');
    expect(sw(card, VERIFY(new Uint8Array(40).fill(0x31)))).toBe('63c0');
    expect(card.inspect().pinTriesLeft).toBe(0);
    expect(sw(card, verifyPin.getApdu('1234'))).toBe('6983');
    // The PUK is the way out.
    expect(sw(card, resetRetryCounter.getApdu(PUK, '1234'))).toBe('9000');
    expect(sw(card, verifyPin.getApdu('1234'))).toBe('9000');
  });

  it('VERIFY with no data still only asks the state, spending nothing', () => {
    const card = createTestCard({ seed: 'verify-state', memorySize: 8192 });
    card.powerOn();
    expect(sw(card, VERIFY_EMPTY)).toBe('63c3');
    expect(card.inspect().pinTriesLeft).toBe(3);
  });
});

const VERIFY_EMPTY = { cla: 0x00, ins: 0x20, p1: 0x00, p2: 0x81, data: new Uint8Array(0), ne: 0 };
