import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { encodeHeader, HEADER_BYTES, type BackupHeader } from '../../src/protocol/backup-format.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { checkAuthorisationV2, decodeAuthorisationV2, openRestoreKey } from '../../src/protocol/trust/authorisation.ts';
import { cardAuthMessage } from '../../src/protocol/trust/card-auth.ts';
import { decodeCardCertificate, decodeEpochCertificate, verifyEpochCertificate } from '../../src/protocol/trust/certificates.ts';
import { signHeader } from '../../src/protocol/trust/header-signature.ts';
import { decodeLoadToken, loadTokenFits, verifyLoadToken } from '../../src/protocol/trust/load-token.ts';
import { checkPersonalisation, decodePersonalisation, openCardSecrets } from '../../src/protocol/trust/personalisation.ts';
import { encodeReceipt, receiptMessage } from '../../src/protocol/trust/receipt.ts';
import { decodeStopEntry, verifyStopEntry } from '../../src/protocol/trust/stop-entry.ts';
import { encodeWrappedKeyV2, wrapUniqueKey } from '../../src/protocol/trust/wrapped-key.ts';
import { IssuerAuthority } from './authority.ts';
import { DEMO_ISSUER, demoIssuer, demoIssuerKeys } from './demo.ts';
import { generateIssuerKeys } from './keys.ts';

const aid = Uint8Array.of(0xa0, 0, 0, 0x09, 0x99, 0x02, 0x01);

/** A blank card's own key pairs, as the card makes them. */
function blankCard() {
  const signSk = ed25519.utils.randomSecretKey();
  const kemSk = x25519.utils.randomSecretKey();
  return { signSk, kemSk, signPk: ed25519.getPublicKey(signSk), kemPk: x25519.getPublicKey(kemSk) };
}

function personalised(authority: IssuerAuthority, cardNumber: string) {
  const card = blankCard();
  const out = authority.personalise({ cardNumber, cardSigningPublicKey: card.signPk, cardKemPublicKey: card.kemPk, pin: '1234', puk: '12345678' });
  return { ...card, ...out, cardNumber };
}

function headerOf(cardNumber: string, epoch: number): Uint8Array {
  const h: BackupHeader = {
    issuer: DEMO_ISSUER,
    epoch,
    cardNumber,
    kind: 'full',
    seq: 1,
    baseSeq: 0,
    date: 1_750_000_000_000,
    prevHash: new Uint8Array(32),
    memorySize: 4096,
    pageSize: 64,
    recordCount: 64,
    pageMapHash: new Uint8Array(32).fill(1),
    tag: new Uint8Array(16).fill(2),
  };
  return encodeHeader(h);
}

describe('issuer keys', () => {
  it('a seeded issuer is reproducible; an unseeded one is not', () => {
    expect(hex(demoIssuer().rootPublicKey)).toBe(hex(demoIssuer().rootPublicKey));
    expect(hex(demoIssuerKeys().epochs[0]?.certificate ?? new Uint8Array())).toBe(hex(demoIssuerKeys().epochs[0]?.certificate ?? new Uint8Array(1)));
    expect(hex(generateIssuerKeys({ issuer: 7 }).rootSecretKey)).not.toBe(hex(generateIssuerKeys({ issuer: 7 }).rootSecretKey));
  });
  it('epoch 1 is certified by the root', () => {
    const a = demoIssuer();
    const c = decodeEpochCertificate(a.epochCertificate());
    if (!c.ok) throw c.error;
    expect(c.value).toMatchObject({ issuer: DEMO_ISSUER, epoch: 1, minEpoch: 1 });
    expect(verifyEpochCertificate(a.rootPublicKey, c.value)).toBe(true);
  });
  it('refuses bad issuer numbers, short seeds and epochs out of range', () => {
    expect(() => generateIssuerKeys({ issuer: -1 })).toThrow(/issuer/);
    expect(() => generateIssuerKeys({ issuer: 1, seed: new Uint8Array(8) })).toThrow(/seed/);
    const a = demoIssuer();
    expect(() => a.newEpoch({ minEpoch: 3 })).toThrow(/minEpoch/);
  });
});

describe('IssuerAuthority', () => {
  it('personalises: the blank card accepts it and alone opens its PIN and PUK', () => {
    const a = demoIssuer();
    const c = personalised(a, '1234567890123456');
    const p = decodePersonalisation(c.personalisation);
    if (!p.ok) throw p.error;
    expect(checkPersonalisation(a.rootPublicKey, p.value, { signingPublicKey: c.signPk, kemPublicKey: c.kemPk })).toBe('ok');
    expect(openCardSecrets(c.kemSk, p.value)).toEqual({ pin: '1234', puk: '12345678' });
    expect(a.checkCardCertificate(c.cardCertificate).cardNumber).toBe('1234567890123456');
    expect(() => a.personalise({ cardNumber: '12', cardSigningPublicKey: c.signPk, cardKemPublicKey: c.kemPk, pin: '1234', puk: '12345678' })).toThrow(/card number/);
    expect(() => a.personalise({ cardNumber: '1234567890123456', cardSigningPublicKey: c.signPk, cardKemPublicKey: c.kemPk, pin: '12', puk: '12345678' })).toThrow(/PIN/);
  });

  it('refuses a certificate of another issuer or one it did not sign', () => {
    const a = demoIssuer();
    const other = new IssuerAuthority(generateIssuerKeys({ issuer: DEMO_ISSUER }));
    const c = personalised(other, '1234567890123456');
    expect(() => a.checkCardCertificate(c.cardCertificate)).toThrow(expect.objectContaining({ code: 'ISSUER_NOT_GENUINE' }));
    expect(() => a.checkCardCertificate(c.cardCertificate.subarray(1))).toThrow(expect.objectContaining({ code: 'ISSUER_BAD_INPUT' }));
  });

  it('signs load tokens for the next counter', () => {
    const a = demoIssuer();
    const t = decodeLoadToken(a.loadToken({ cardNumber: '1234567890123456', aid, amount: 1000, loadCounter: 1 }));
    if (!t.ok) throw t.error;
    const epoch = decodeEpochCertificate(a.epochCertificate());
    if (!epoch.ok) throw epoch.error;
    expect(verifyLoadToken(epoch.value.signingPublicKey, t.value)).toBe(true);
    expect(loadTokenFits(t.value, { issuer: DEMO_ISSUER, cardNumber: '1234567890123456', aid, loadCounter: 0 })).toBe(true);
    expect(() => a.loadToken({ cardNumber: '1234567890123456', aid, amount: 0, loadCounter: 1 })).toThrow(/amount/);
    expect(() => a.loadToken({ cardNumber: '1234567890123456', aid, amount: 5, loadCounter: 0 })).toThrow(/loadCounter/);
  });

  it('opens wrapped keys of its epochs; a new epoch with minEpoch retires the old ones', () => {
    const a = demoIssuer();
    const key = new Uint8Array(32).fill(9);
    const e1 = decodeEpochCertificate(a.epochCertificate());
    if (!e1.ok) throw e1.error;
    const w1 = encodeWrappedKeyV2(wrapUniqueKey(e1.value.kemPublicKey, { issuer: DEMO_ISSUER, epoch: 1, cardNumber: '1234567890123456' }, key));
    expect(hex(a.openWrappedKey(w1).uniqueKey)).toBe(hex(key));
    expect(a.newEpoch({ minEpoch: 1 })).toBe(2);
    expect(hex(a.openWrappedKey(w1).uniqueKey)).toBe(hex(key));
    expect(a.newEpoch({ minEpoch: 3 })).toBe(3);
    expect(() => a.openWrappedKey(w1)).toThrow(expect.objectContaining({ code: 'ISSUER_EPOCH' }));
    expect(() => a.epochCertificate(1)).toThrow(/retired/);
    const c3 = decodeEpochCertificate(a.epochCertificate());
    if (!c3.ok) throw c3.error;
    expect(c3.value).toMatchObject({ epoch: 3, minEpoch: 3 });
    expect(verifyEpochCertificate(a.rootPublicKey, c3.value)).toBe(true);
    // Seeded: the same epochs again from the same seed.
    const b = demoIssuer();
    b.newEpoch({ minEpoch: 1 });
    b.newEpoch({ minEpoch: 3 });
    expect(hex(b.epochCertificate())).toBe(hex(a.epochCertificate()));
  });

  it('re-wraps a source card\'s key to the target inside a one-time authorisation', () => {
    const a = demoIssuer();
    const src = personalised(a, '1111222233334444');
    const dst = personalised(a, '5555666677778888');
    const epoch = decodeEpochCertificate(a.epochCertificate());
    if (!epoch.ok) throw epoch.error;
    const uniqueKey = new Uint8Array(32).fill(0x33);
    const wrapped = encodeWrappedKeyV2(wrapUniqueKey(epoch.value.kemPublicKey, { issuer: DEMO_ISSUER, epoch: 1, cardNumber: src.cardNumber }, uniqueKey));
    const header = headerOf(src.cardNumber, 1);
    const args = {
      sourceCardCertificate: src.cardCertificate,
      targetCardCertificate: dst.cardCertificate,
      pointHeaderBytes: header,
      pointHeaderSignature: signHeader(src.signSk, wrapped, header),
      wrappedKeyBytes: wrapped,
      targetAuthorisationCounter: 1,
    };
    const auth = decodeAuthorisationV2(a.restoreAuthorisation(args));
    if (!auth.ok) throw auth.error;
    expect(checkAuthorisationV2(epoch.value.signingPublicKey, auth.value, { issuer: DEMO_ISSUER, epoch: 1, targetCardNumber: dst.cardNumber, chainHead: sha256(header), authorisationCounter: 0 })).toBe('ok');
    expect(hex(openRestoreKey(dst.kemSk, auth.value) ?? new Uint8Array())).toBe(hex(uniqueKey));
    expect(openRestoreKey(src.kemSk, auth.value)).toBeUndefined();
    expect(hex(auth.value.sourceSigningPublicKey)).toBe(hex(src.signPk));

    // Refusals: a header the source did not sign, another card's header, another card's key.
    expect(() => a.restoreAuthorisation({ ...args, pointHeaderSignature: signHeader(dst.signSk, wrapped, header) })).toThrow(/signature/);
    const otherHeader = headerOf(dst.cardNumber, 1);
    expect(() => a.restoreAuthorisation({ ...args, pointHeaderBytes: otherHeader, pointHeaderSignature: signHeader(src.signSk, wrapped, otherHeader) })).toThrow(/not the source/);
    const otherKey = encodeWrappedKeyV2(wrapUniqueKey(epoch.value.kemPublicKey, { issuer: DEMO_ISSUER, epoch: 1, cardNumber: dst.cardNumber }, uniqueKey));
    expect(() => a.restoreAuthorisation({ ...args, wrappedKeyBytes: otherKey, pointHeaderSignature: signHeader(src.signSk, otherKey, header) })).toThrow(/wrapped key/);
    // A wrapped key swapped under a genuine signature: the source card's own key for this
    // epoch, wrapped again (so it opens and names the source), but not the bytes the card signed.
    const rewrapped = encodeWrappedKeyV2(wrapUniqueKey(epoch.value.kemPublicKey, { issuer: DEMO_ISSUER, epoch: 1, cardNumber: src.cardNumber }, new Uint8Array(32).fill(0x44)));
    expect(() => a.restoreAuthorisation({ ...args, wrappedKeyBytes: rewrapped })).toThrow(/wrapped key and header do not carry the source card's signature/);
    expect(() => a.restoreAuthorisation({ ...args, pointHeaderBytes: header.subarray(0, HEADER_BYTES - 1) })).toThrow(/126/);
  });

  it('verifies receipts and challenges against the card certificate; forged ones fail', () => {
    const a = demoIssuer();
    const c = personalised(a, '1234567890123456');
    const body = { cardNumber: c.cardNumber, aid, amount: 300, spendCounter: 1, balanceAfter: 700, challenge: new Uint8Array(16).fill(1) };
    const good = encodeReceipt({ ...body, signature: ed25519.sign(receiptMessage(body), c.signSk) });
    expect(a.verifyReceipt(c.cardCertificate, good)).toMatchObject({ amount: 300, balanceAfter: 700 });
    const forged = encodeReceipt({ ...body, amount: 1, signature: ed25519.sign(receiptMessage({ ...body, amount: 1 }), blankCard().signSk) });
    expect(() => a.verifyReceipt(c.cardCertificate, forged)).toThrow(expect.objectContaining({ code: 'ISSUER_NOT_GENUINE' }));
    const challenge = new Uint8Array(16).fill(5);
    expect(a.verifyChallenge(c.cardCertificate, challenge, ed25519.sign(cardAuthMessage(c.cardNumber, challenge), c.signSk))).toBe(true);
    expect(a.verifyChallenge(c.cardCertificate, challenge, ed25519.sign(cardAuthMessage(c.cardNumber, challenge), blankCard().signSk))).toBe(false);
    const cert = decodeCardCertificate(c.cardCertificate);
    expect(cert.ok).toBe(true);
  });

  it('signs stop-list entries with the current epoch key', () => {
    const a = demoIssuer();
    const e = decodeStopEntry(a.signStopEntry(3, '1234567890123456', 1_750_000_000_000));
    if (!e.ok) throw e.error;
    const epoch = decodeEpochCertificate(a.epochCertificate());
    if (!epoch.ok) throw epoch.error;
    expect(verifyStopEntry(epoch.value.signingPublicKey, e.value)).toBe(true);
  });
});
