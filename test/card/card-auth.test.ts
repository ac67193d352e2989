/**
 * Card authentication (issue 10, docs/trust.md): INTERNAL AUTHENTICATE 00 88 signs the
 * caller's challenge bound to the card number with the key the issuer certified; GET DATA
 * 0109 answers that certificate (0108 the public keys, a blank card's too). A host or the
 * issuer tells a genuine card from a copy with the certificate alone. Through `transmit` only.
 */
import { describe, expect, it } from 'vitest';
import { type SimCard } from '../../src/card-sim/index.ts';
import { createBlankTestCard, createTestCard, testIssuer, type TestCardOptions } from '../support/card.ts';
import { decodeCardCertificate } from '../../src/protocol/trust/certificates.ts';
import { equal, hex } from '../../src/protocol/bytes.ts';
import { getCardKeys, internalAuthenticate } from '../../src/protocol/commands/index.ts';
import { verifyCardAuth } from '../../src/protocol/trust/card-auth.ts';
import { certificateOf, raw, runBackup, runRestore, send, verify } from './helpers.ts';

const challenge = new Uint8Array(16).map((_, i) => i * 7);

function card(cardNumber: string, extra: TestCardOptions = {}): SimCard {
  const c = createTestCard({ cardNumber, seed: cardNumber, memorySize: 8192, ...extra });
  c.powerOn();
  return c;
}
const keysOf = (c: SimCard) => getCardKeys.parseResponse(raw(send(c, getCardKeys.getApdu())));
const sign = (c: SimCard, ch = challenge) => internalAuthenticate.parseResponse(raw(send(c, internalAuthenticate.getApdu(ch))));

describe('INTERNAL AUTHENTICATE and the card keys', () => {
  it('encodes 00 88 00 00 Lc challenge Le 40', () => {
    const a = internalAuthenticate.getApdu(challenge);
    expect([a.cla, a.ins, a.p1, a.p2, a.ne]).toEqual([0x00, 0x88, 0x00, 0x00, 64]);
    expect(() => internalAuthenticate.getApdu(new Uint8Array(7))).toThrow(RangeError);
    expect(() => internalAuthenticate.getApdu(new Uint8Array(33))).toThrow(RangeError);
  });

  it('the card signs the challenge bound to its number; its published key checks it; no PIN needed', () => {
    const a = card('4900000000000101');
    const k = keysOf(a);
    const sig = sign(a);
    expect(verifyCardAuth(k.signingPublicKey, '4900000000000101', challenge, sig)).toBe(true);
    expect(verifyCardAuth(k.signingPublicKey, '4900000000000102', challenge, sig)).toBe(false);
    expect(verifyCardAuth(k.signingPublicKey, '4900000000000101', new Uint8Array(16), sig)).toBe(false);
  });

  it('the certificate (GET DATA 0109) names the card and its keys; the issuer checks the answer with it alone', () => {
    const a = card('4900000000000107');
    const cert = certificateOf(a);
    const c = decodeCardCertificate(cert);
    if (!c.ok) throw c.error;
    expect(c.value.cardNumber).toBe('4900000000000107');
    expect(hex(c.value.signingPublicKey)).toBe(hex(keysOf(a).signingPublicKey));
    expect(testIssuer().checkCardCertificate(cert).cardNumber).toBe('4900000000000107');
    expect(testIssuer().verifyChallenge(cert, challenge, sign(a))).toBe(true);
    // A copy of the same number (another card's keys) fails against the genuine certificate.
    expect(testIssuer().verifyChallenge(cert, challenge, sign(card('4900000000000107', { seed: 'copy' })))).toBe(false);
  });

  it('another card (a copy with the same number) cannot answer for it', () => {
    const a = card('4900000000000103');
    const b = card('4900000000000103', { seed: 'another card, same number' });
    expect(equal(keysOf(a).signingPublicKey, keysOf(b).signingPublicKey)).toBe(false);
    expect(verifyCardAuth(keysOf(a).signingPublicKey, '4900000000000103', challenge, sign(b))).toBe(false);
  });

  it('keys survive power cycles and a same-card restore (the identity block is never restored)', () => {
    const a = card('4900000000000104');
    const before = hex(keysOf(a).signingPublicKey) + hex(keysOf(a).kemPublicKey);
    verify(a);
    const full = runBackup(a, 'full');
    expect(runRestore(a, full, [full])).toBe(0x9000);
    a.powerOff();
    a.powerOn();
    expect(hex(keysOf(a).signingPublicKey) + hex(keysOf(a).kemPublicKey)).toBe(before);
  });

  it('refusals: P1P2 6A86, challenge length 6700, blank card 6985 (its public keys it answers); nothing written', () => {
    const a = card('4900000000000105');
    const saved = a.save();
    expect(send(a, { cla: 0, ins: 0x88, p1: 1, p2: 0, data: challenge, ne: 64 }).sw.toString(16)).toBe('6a86');
    for (const n of [0, 7, 33]) expect(send(a, { cla: 0, ins: 0x88, p1: 0, p2: 0, data: new Uint8Array(n), ne: 64 }).sw.toString(16)).toBe('6700');
    expect(equal(a.save(), saved)).toBe(true);
    // A blank card has its keys (the issuer certifies them) but nothing to prove yet.
    const blank = createBlankTestCard({ seed: 'blank 106', memorySize: 8192 });
    expect(send(blank, internalAuthenticate.getApdu(challenge)).sw.toString(16)).toBe('6985');
    expect(send(blank, getCardKeys.getApdu()).sw.toString(16)).toBe('9000');
  });
});
