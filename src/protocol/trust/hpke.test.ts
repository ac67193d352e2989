import { CipherSuite, DhkemX25519HkdfSha256, HkdfSha256 } from '@hpke/core';
import { Chacha20Poly1305 } from '@hpke/chacha20poly1305';
import { describe, expect, it } from 'vitest';
import { fromHex, hex } from '../bytes.ts';
import { hpkeDeriveKeyPair, hpkeOpen, hpkePublicKey, hpkeRandomSecretKey, hpkeSeal } from './hpke.ts';
import { RFC9180_A21 as V } from './vectors/rfc9180-a21.ts';

const lower = (b: Uint8Array) => hex(b).toLowerCase();
const ab = (b: Uint8Array): ArrayBuffer => b.slice().buffer;

describe('HPKE (RFC 9180 Base, X25519/HKDF-SHA256/ChaCha20-Poly1305)', () => {
  it('matches appendix A.2.1: key pairs, enc and the sequence-0 ciphertext', () => {
    expect(lower(hpkeDeriveKeyPair(fromHex(V.ikmE)).secretKey)).toBe(V.skEm);
    expect(lower(hpkeDeriveKeyPair(fromHex(V.ikmR)).secretKey)).toBe(V.skRm);
    expect(lower(hpkePublicKey(fromHex(V.skRm)))).toBe(V.pkRm);
    const s = hpkeSeal(fromHex(V.pkRm), fromHex(V.info), fromHex(V.sequence0.aad), fromHex(V.sequence0.pt), fromHex(V.skEm));
    expect(lower(s.enc)).toBe(V.enc);
    expect(lower(s.ciphertext)).toBe(V.sequence0.ct);
    const pt = hpkeOpen(fromHex(V.skRm), fromHex(V.enc), fromHex(V.info), fromHex(V.sequence0.aad), fromHex(V.sequence0.ct));
    expect(pt && lower(pt)).toBe(V.sequence0.pt);
  });

  it('refuses a flipped bit anywhere, the wrong info, aad or key, and bad lengths', () => {
    const skR = fromHex(V.skRm);
    const [enc, info, aad, ct] = [fromHex(V.enc), fromHex(V.info), fromHex(V.sequence0.aad), fromHex(V.sequence0.ct)];
    for (let i = 0; i < ct.length; i++) {
      const bad = ct.slice();
      bad[i] = (bad[i] as number) ^ 1;
      expect(hpkeOpen(skR, enc, info, aad, bad)).toBeUndefined();
    }
    const badEnc = enc.slice();
    badEnc[3] = (badEnc[3] as number) ^ 0x10;
    expect(hpkeOpen(skR, badEnc, info, aad, ct)).toBeUndefined();
    expect(hpkeOpen(skR, enc, fromHex('00'), aad, ct)).toBeUndefined();
    expect(hpkeOpen(skR, enc, info, fromHex('00'), ct)).toBeUndefined();
    expect(hpkeOpen(hpkeRandomSecretKey(), enc, info, aad, ct)).toBeUndefined();
    expect(hpkeOpen(skR, enc.subarray(1), info, aad, ct)).toBeUndefined();
    expect(hpkeOpen(skR, enc, info, aad, ct.subarray(0, 15))).toBeUndefined();
    // An all-zero (low-order) enc gives an all-zero DH output: RFC 9180 §7.1.4 says refuse.
    expect(hpkeOpen(skR, new Uint8Array(32), info, aad, ct)).toBeUndefined();
    expect(() => hpkeSeal(new Uint8Array(31), info, aad, ct)).toThrow(RangeError);
  });

  const suite = new CipherSuite({ kem: new DhkemX25519HkdfSha256(), kdf: new HkdfSha256(), aead: new Chacha20Poly1305() });

  it('interoperates with @hpke/core: it opens ours, we open its', async () => {
    const skR = hpkeRandomSecretKey();
    const recipientKey = await suite.kem.importKey('raw', ab(skR), false);
    const info = new TextEncoder().encode('icvault interop');
    const aad = Uint8Array.of(1, 2, 3);
    const pt = new TextEncoder().encode('the card-unique key, 32 bytes..');
    const ours = hpkeSeal(hpkePublicKey(skR), info, aad, pt);
    const recipient = await suite.createRecipientContext({ recipientKey, enc: ab(ours.enc), info: ab(info) });
    expect(lower(new Uint8Array(await recipient.open(ab(ours.ciphertext), ab(aad))))).toBe(lower(pt));

    const publicKey = await suite.kem.deserializePublicKey(ab(hpkePublicKey(skR)));
    const sender = await suite.createSenderContext({ recipientPublicKey: publicKey, info: ab(info) });
    const theirs = new Uint8Array(await sender.seal(ab(pt), ab(aad)));
    const opened = hpkeOpen(skR, new Uint8Array(sender.enc), info, aad, theirs);
    expect(opened && lower(opened)).toBe(lower(pt));
  });
});
