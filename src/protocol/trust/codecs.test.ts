import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { hex } from '../bytes.ts';
import { HEADER_BYTES } from '../backup-format.ts';
import type { Decoded } from '../result.ts';
import { AUTHORISATION_V2_BYTES, authorisationMessage, checkAuthorisationV2, decodeAuthorisationV2, encodeAuthorisationV2, openRestoreKey, sealRestoreKey } from './authorisation.ts';
import { BACKUP_DATA_PREFIX_BYTES, joinBackupData, splitBackupData } from './backup-data.ts';
import { cardAuthMessage, verifyCardAuth } from './card-auth.ts';
import {
  CARD_CERTIFICATE_BYTES,
  cardCertificateMessage,
  decodeCardCertificate,
  decodeEpochCertificate,
  encodeCardCertificate,
  encodeEpochCertificate,
  EPOCH_CERTIFICATE_BYTES,
  epochCertificateMessage,
  verifyCardCertificate,
  verifyEpochCertificate,
} from './certificates.ts';
import { hpkeDeriveKeyPair } from './hpke.ts';
import { checkPersonalisation, decodePersonalisation, encodePersonalisation, openCardSecrets, personalisationMessage, sealCardSecrets } from './personalisation.ts';
import { decodeLoadToken, encodeLoadToken, loadTokenFits, loadTokenMessage, verifyLoadToken } from './load-token.ts';
import { decodeReceipt, encodeReceipt, receiptMessage, verifyReceipt } from './receipt.ts';
import { headerSignatureMessage, signHeader, verifyHeaderSignature } from './header-signature.ts';
import { decodeStopEntry, encodeStopEntry, stopEntryMessage, verifyStopEntry } from './stop-entry.ts';
import { decodeWrappedKeyV2, encodeWrappedKeyV2, unwrapUniqueKey, WRAPPED_KEY_V2_BYTES, wrapUniqueKey } from './wrapped-key.ts';

const seed = (n: number) => new Uint8Array(32).fill(n);
const edPair = (n: number) => ({ sk: seed(n), pk: ed25519.getPublicKey(seed(n)) });
const kemPair = (n: number) => hpkeDeriveKeyPair(seed(n));
const root = edPair(1);
const epochSign = edPair(2);
const epochKem = kemPair(3);
const cardSign = edPair(4);
const cardKem = kemPair(5);
const issuer = 0x49435631;
const aid = Uint8Array.of(0xa0, 0, 0, 0x09, 0x99, 0x02, 0x01);

const epochBody = { issuer, epoch: 3, minEpoch: 2, signingPublicKey: epochSign.pk, kemPublicKey: epochKem.publicKey };
const epochCert = { ...epochBody, signature: ed25519.sign(epochCertificateMessage(epochBody), root.sk) };
const cardBody = { issuer, epoch: 3, cardNumber: '1234567890123456', signingPublicKey: cardSign.pk, kemPublicKey: cardKem.publicKey };
const cardCert = { ...cardBody, signature: ed25519.sign(cardCertificateMessage(cardBody), epochSign.sk) };

/** Every decoder: every truncation, one extra byte, wrong magic, wrong version, random bytes: typed error, never a throw. */
function edges(name: string, good: Uint8Array, decode: (b: Uint8Array) => Decoded<unknown>) {
  describe(`${name}: edges`, () => {
    it('decodes the whole and refuses every truncation and an extra byte', () => {
      expect(decode(good).ok).toBe(true);
      for (let n = 0; n < good.length; n++) expect(decode(good.subarray(0, n)).ok).toBe(false);
      const extra = decode(Uint8Array.of(...good, 0));
      expect(extra.ok).toBe(false);
      if (!extra.ok) expect(extra.error.message).toMatch(/extra/);
    });
    it('refuses a wrong magic and a wrong version, saying so', () => {
      const m = good.slice();
      m[0] = 0x58;
      const dm = decode(m);
      expect(!dm.ok && dm.error.message).toMatch(/bad magic/);
      for (const v of [0, 1, 3, 255]) {
        const b = good.slice();
        b[4] = v;
        const d = decode(b);
        expect(!d.ok && d.error.message).toMatch(/unsupported version/);
      }
    });
    it('never throws on random bytes or mutations (fast-check)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: good.length + 8 }), (b) => {
          decode(b);
        }),
        { numRuns: 300 },
      );
      fc.assert(
        fc.property(fc.nat({ max: good.length - 1 }), fc.integer({ min: 1, max: 255 }), (i, x) => {
          const b = good.slice();
          b[i] = (b[i] as number) ^ x;
          decode(b);
        }),
        { numRuns: 300 },
      );
    });
  });
}

describe('epoch and card certificates', () => {
  const eb = encodeEpochCertificate(epochCert);
  const cb = encodeCardCertificate(cardCert);
  it('have their documented sizes and layout', () => {
    expect(eb.length).toBe(EPOCH_CERTIFICATE_BYTES);
    expect(EPOCH_CERTIFICATE_BYTES).toBe(141);
    expect(hex(eb.subarray(0, 13))).toBe('4943564502494356310003' + '0002');
    expect(cb.length).toBe(CARD_CERTIFICATE_BYTES);
    expect(CARD_CERTIFICATE_BYTES).toBe(147);
    expect(hex(cb.subarray(0, 19))).toBe('49435643024943563100031234567890123456');
  });
  it('round-trip and verify; any changed field or a wrong signer fails', () => {
    const e = decodeEpochCertificate(eb);
    const c = decodeCardCertificate(cb);
    if (!e.ok || !c.ok) throw new Error('decode');
    expect(verifyEpochCertificate(root.pk, e.value)).toBe(true);
    expect(verifyCardCertificate(e.value, c.value)).toBe(true);
    expect(verifyEpochCertificate(epochSign.pk, e.value)).toBe(false);
    expect(verifyEpochCertificate(root.pk, { ...e.value, minEpoch: 1 })).toBe(false);
    expect(verifyEpochCertificate(root.pk, { ...e.value, minEpoch: 4 })).toBe(false);
    expect(verifyCardCertificate(e.value, { ...c.value, cardNumber: '1234567890123457' })).toBe(false);
    expect(verifyCardCertificate({ ...e.value, epoch: 4 }, c.value)).toBe(false);
    expect(verifyCardCertificate(e.value, { ...c.value, kemPublicKey: epochKem.publicKey })).toBe(false);
    // Self-signed: a card certificate signed by the card's own key.
    const self = { ...cardBody, signature: ed25519.sign(cardCertificateMessage(cardBody), cardSign.sk) };
    expect(verifyCardCertificate(e.value, self)).toBe(false);
  });
  it('refuses minEpoch above epoch and a non-BCD card number', () => {
    const b = eb.slice();
    b[12] = 9;
    expect(decodeEpochCertificate(b).ok).toBe(false);
    const c = cb.slice();
    c[11] = 0xaf;
    const d = decodeCardCertificate(c);
    expect(!d.ok && d.error.message).toMatch(/BCD/);
  });
  edges('epoch certificate', eb, decodeEpochCertificate);
  edges('card certificate', cb, decodeCardCertificate);
});

describe('personalisation', () => {
  const secrets = sealCardSecrets(cardCert, { pin: '123456', puk: '87654321' });
  const body = { epochCertificate: epochCert, cardCertificate: cardCert, ...secrets };
  const p = { ...body, signature: ed25519.sign(personalisationMessage(body), epochSign.sk) };
  const bytes = encodePersonalisation(p);
  const own = { signingPublicKey: cardSign.pk, kemPublicKey: cardKem.publicKey };
  it('is epoch cert ‖ card cert ‖ enc ‖ sealed PIN/PUK ‖ signature', () => {
    expect(bytes.length).toBe(5 + 141 + 147 + 32 + 1 + (1 + 6 + 1 + 8 + 16) + 64);
    expect(hex(bytes.subarray(5, 146))).toBe(hex(encodeEpochCertificate(epochCert)));
  });
  it('checks out for the card that made the keys, and only the card opens PIN and PUK', () => {
    const d = decodePersonalisation(bytes);
    if (!d.ok) throw d.error;
    expect(checkPersonalisation(root.pk, d.value, own)).toBe('ok');
    expect(openCardSecrets(cardKem.secretKey, d.value)).toEqual({ pin: '123456', puk: '87654321' });
    expect(openCardSecrets(epochKem.secretKey, d.value)).toBeUndefined();
  });
  it('refuses a self-signed one, another root, another card and swapped secrets', () => {
    // Self-signed: an attacker's own "root" and epoch.
    const fakeEpoch = { ...epochBody, signature: ed25519.sign(epochCertificateMessage(epochBody), cardSign.sk) };
    expect(checkPersonalisation(root.pk, { ...p, epochCertificate: fakeEpoch }, own)).toBe('epoch-certificate');
    expect(checkPersonalisation(epochSign.pk, p, own)).toBe('epoch-certificate');
    expect(checkPersonalisation(root.pk, p, { signingPublicKey: edPair(9).pk, kemPublicKey: cardKem.publicKey })).toBe('not-this-card');
    const attacker = sealCardSecrets(cardCert, { pin: '0000', puk: '00000000' });
    expect(checkPersonalisation(root.pk, { ...p, ...attacker }, own)).toBe('signature');
    const otherCard = { ...cardBody, cardNumber: '1234567890123457' };
    expect(checkPersonalisation(root.pk, { ...p, cardCertificate: { ...otherCard, signature: cardCert.signature } }, own)).toBe('card-certificate');
  });
  it('refuses PINs and PUKs outside their lengths at sealing', () => {
    expect(() => sealCardSecrets(cardCert, { pin: '123', puk: '87654321' })).toThrow(/PIN/);
    expect(() => sealCardSecrets(cardCert, { pin: '1234', puk: '8765432' })).toThrow(/PUK/);
  });
  edges('personalisation', bytes, decodePersonalisation);
});

describe('load token', () => {
  const body = { issuer, epoch: 3, cardNumber: '1234567890123456', aid, amount: 5000, loadCounter: 8 };
  const t = { ...body, signature: ed25519.sign(loadTokenMessage(body), epochSign.sk) };
  const bytes = encodeLoadToken(t);
  it('has its layout', () => {
    expect(bytes.length).toBe(5 + 4 + 2 + 8 + 1 + 7 + 4 + 4 + 64);
    expect(hex(bytes.subarray(0, 35))).toBe('4943564C0249435631000312345678901234560' + '7A0000009990201' + '0000138800000008');
  });
  it('verifies, fits only its card, application and the next counter', () => {
    const d = decodeLoadToken(bytes);
    if (!d.ok) throw d.error;
    expect(verifyLoadToken(epochSign.pk, d.value)).toBe(true);
    expect(verifyLoadToken(epochSign.pk, { ...d.value, amount: 50000 })).toBe(false);
    expect(verifyLoadToken(cardSign.pk, d.value)).toBe(false);
    const expect0 = { issuer, cardNumber: '1234567890123456', aid, loadCounter: 7 };
    expect(loadTokenFits(d.value, expect0)).toBe(true);
    expect(loadTokenFits(d.value, { ...expect0, loadCounter: 8 })).toBe(false); // replayed
    expect(loadTokenFits(d.value, { ...expect0, cardNumber: '1234567890123457' })).toBe(false);
    expect(loadTokenFits(d.value, { ...expect0, aid: Uint8Array.of(0xa0, 0, 0, 0x09, 0x99, 0x02, 0x02) })).toBe(false);
  });
  it('refuses an AID length outside 5-16', () => {
    const b = bytes.slice();
    b[19] = 4;
    expect(decodeLoadToken(b).ok).toBe(false);
  });
  edges('load token', bytes, decodeLoadToken);
});

describe('receipt', () => {
  const body = { cardNumber: '1234567890123456', aid, amount: 250, spendCounter: 12, balanceAfter: 4750, challenge: new Uint8Array(16).fill(7) };
  const r = { ...body, signature: ed25519.sign(receiptMessage(body), cardSign.sk) };
  const bytes = encodeReceipt(r);
  it('round-trips, verifies with the card key only, and a forged one fails', () => {
    expect(bytes.length).toBe(5 + 8 + 1 + 7 + 12 + 1 + 16 + 64);
    const d = decodeReceipt(bytes);
    if (!d.ok) throw d.error;
    expect(d.value.balanceAfter).toBe(4750);
    expect(verifyReceipt(cardSign.pk, d.value)).toBe(true);
    expect(verifyReceipt(epochSign.pk, d.value)).toBe(false);
    expect(verifyReceipt(cardSign.pk, { ...d.value, amount: 25 })).toBe(false);
    const forged = { ...body, amount: 1, signature: ed25519.sign(receiptMessage({ ...body, amount: 1 }), edPair(9).sk) };
    expect(verifyReceipt(cardSign.pk, forged)).toBe(false);
  });
  edges('receipt', bytes, decodeReceipt);
});

describe('wrapped key v2 and header signature', () => {
  const uniqueKey = new Uint8Array(32).fill(0x5a);
  const ctx = { issuer, epoch: 3, cardNumber: '1234567890123456' };
  const w = wrapUniqueKey(epochKem.publicKey, ctx, uniqueKey);
  const bytes = encodeWrappedKeyV2(w);
  it('is 99 bytes and opens only under the epoch key, with its context', () => {
    expect(bytes.length).toBe(WRAPPED_KEY_V2_BYTES);
    expect(WRAPPED_KEY_V2_BYTES).toBe(99);
    const d = decodeWrappedKeyV2(bytes);
    if (!d.ok) throw d.error;
    expect(hex(unwrapUniqueKey(epochKem.secretKey, d.value) ?? new Uint8Array())).toBe(hex(uniqueKey));
    expect(unwrapUniqueKey(cardKem.secretKey, d.value)).toBeUndefined();
    expect(unwrapUniqueKey(epochKem.secretKey, { ...d.value, cardNumber: '1234567890123457' })).toBeUndefined();
    expect(unwrapUniqueKey(epochKem.secretKey, { ...d.value, epoch: 4 })).toBeUndefined();
  });
  it('header signature: the card signs wrapped key and header, anyone with its key checks, one flipped bit of either fails', () => {
    const header = new Uint8Array(HEADER_BYTES).fill(3);
    const sig = signHeader(cardSign.sk, bytes, header);
    expect(verifyHeaderSignature(cardSign.pk, bytes, header, sig)).toBe(true);
    // The signed message, byte for byte: 'ICVS' 02 ‖ wrapped key ‖ header.
    expect(hex(headerSignatureMessage(bytes, header))).toBe('4943565302' + hex(bytes) + hex(header));
    const bad = header.slice();
    bad[100] = 4;
    expect(verifyHeaderSignature(cardSign.pk, bytes, bad, sig)).toBe(false);
    for (const at of [0, 19, 50, 98]) {
      const swapped = bytes.slice();
      swapped[at] = (swapped[at] ?? 0) ^ 1;
      expect(verifyHeaderSignature(cardSign.pk, swapped, header, sig)).toBe(false);
    }
    expect(verifyHeaderSignature(edPair(9).pk, bytes, header, sig)).toBe(false);
    expect(verifyHeaderSignature(cardSign.pk, bytes, header.subarray(1), sig)).toBe(false);
    expect(verifyHeaderSignature(cardSign.pk, bytes.subarray(1), header, sig)).toBe(false);
    expect(() => signHeader(cardSign.sk, bytes, header.subarray(1))).toThrow(RangeError);
    expect(() => signHeader(cardSign.sk, bytes.subarray(1), header)).toThrow(RangeError);
  });
  it('backup data splits into wrapped key, header, signature and records', () => {
    const header = new Uint8Array(HEADER_BYTES).fill(3);
    const sig = signHeader(cardSign.sk, bytes, header);
    const records = Uint8Array.of(1, 2, 3);
    const joined = joinBackupData({ wrappedKey: bytes, header, signature: sig, records });
    expect(joined.length).toBe(BACKUP_DATA_PREFIX_BYTES + 3);
    const s = splitBackupData(joined);
    if (!s.ok) throw s.error;
    expect(hex(s.value.signature)).toBe(hex(sig));
    expect(hex(s.value.records)).toBe('010203');
    expect(splitBackupData(joined.subarray(0, BACKUP_DATA_PREFIX_BYTES - 1)).ok).toBe(false);
    fc.assert(fc.property(fc.uint8Array({ maxLength: 400 }), (b) => void splitBackupData(b)), { numRuns: 200 });
  });
  edges('wrapped key v2', bytes, decodeWrappedKeyV2);
});

describe('restore authorisation v2', () => {
  const target = kemPair(6);
  const uniqueKey = new Uint8Array(32).fill(0x77);
  const binding = {
    issuer,
    epoch: 3,
    sourceCardNumber: '1234567890123456',
    targetCardNumber: '6543210987654321',
    chainHead: new Uint8Array(32).fill(0xcd),
    targetCounter: 1,
    sourceSigningPublicKey: cardSign.pk,
  };
  const body = { ...binding, ...sealRestoreKey(target.publicKey, binding, uniqueKey) };
  const a = { ...body, signature: ed25519.sign(authorisationMessage(body), epochSign.sk) };
  const bytes = encodeAuthorisationV2(a);
  const expectFor = { issuer, epoch: 3, targetCardNumber: '6543210987654321', chainHead: binding.chainHead, authorisationCounter: 0 };
  it('is 239 bytes; the target opens the key, nobody else', () => {
    expect(bytes.length).toBe(AUTHORISATION_V2_BYTES);
    expect(AUTHORISATION_V2_BYTES).toBe(239);
    const d = decodeAuthorisationV2(bytes);
    if (!d.ok) throw d.error;
    expect(checkAuthorisationV2(epochSign.pk, d.value, expectFor)).toBe('ok');
    expect(hex(openRestoreKey(target.secretKey, d.value) ?? new Uint8Array())).toBe(hex(uniqueKey));
    expect(openRestoreKey(cardKem.secretKey, d.value)).toBeUndefined();
    // Moving the sealed key into another binding (the AAD) does not open.
    expect(openRestoreKey(target.secretKey, { ...d.value, targetCounter: 2 })).toBeUndefined();
  });
  it('refuses: replayed (counter used), for card C, another chain head, forged, another issuer', () => {
    expect(checkAuthorisationV2(epochSign.pk, a, { ...expectFor, authorisationCounter: 1 })).toBe('replayed');
    expect(checkAuthorisationV2(epochSign.pk, a, { ...expectFor, targetCardNumber: '1111222233334444' })).toBe('not-this-card');
    expect(checkAuthorisationV2(epochSign.pk, a, { ...expectFor, chainHead: new Uint8Array(32) })).toBe('chain-head');
    expect(checkAuthorisationV2(epochSign.pk, a, { ...expectFor, issuer: 1 })).toBe('issuer');
    expect(checkAuthorisationV2(epochSign.pk, a, { ...expectFor, epoch: 4 })).toBe('epoch');
    const self = { ...body, signature: ed25519.sign(authorisationMessage(body), cardSign.sk) };
    expect(checkAuthorisationV2(epochSign.pk, self, expectFor)).toBe('signature');
  });
  edges('restore authorisation v2', bytes, decodeAuthorisationV2);
});

describe('card authentication and stop-list entries', () => {
  it('binds the card number and the challenge', () => {
    const challenge = new Uint8Array(16).fill(0x42);
    const sig = ed25519.sign(cardAuthMessage('1234567890123456', challenge), cardSign.sk);
    expect(verifyCardAuth(cardSign.pk, '1234567890123456', challenge, sig)).toBe(true);
    expect(verifyCardAuth(cardSign.pk, '1234567890123457', challenge, sig)).toBe(false);
    expect(verifyCardAuth(cardSign.pk, '1234567890123456', new Uint8Array(16), sig)).toBe(false);
    expect(verifyCardAuth(cardSign.pk, '1234567890123456', new Uint8Array(4), sig)).toBe(false);
    expect(() => cardAuthMessage('1234567890123456', new Uint8Array(33))).toThrow(RangeError);
  });
  const body = { issuer, epoch: 3, number: 17, cardNumber: '1234567890123456', at: 1_750_000_000_000 };
  const e = { ...body, signature: ed25519.sign(stopEntryMessage(body), epochSign.sk) };
  const bytes = encodeStopEntry(e);
  it('stop-list entry round-trips and verifies', () => {
    expect(bytes.length).toBe(95);
    const d = decodeStopEntry(bytes);
    if (!d.ok) throw d.error;
    expect(d.value.at).toBe(body.at);
    expect(verifyStopEntry(epochSign.pk, d.value)).toBe(true);
    expect(verifyStopEntry(epochSign.pk, { ...d.value, number: 18 })).toBe(false);
  });
  edges('stop-list entry', bytes, decodeStopEntry);
});
