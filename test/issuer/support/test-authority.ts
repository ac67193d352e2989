import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, equal, fromHex, hex, u16be, u32be } from '../../../src/protocol/bytes.ts';
import type { Authority, SpendReceipt, UploadedBackup } from '../../../issuer/authority.ts';

// A stand-in issuer authority for the service's own tests until the protocol-2 core
// (issuer/core, src/protocol/trust) is wired: Ed25519 from @noble/curves over simple,
// test-only framings. It exercises the service's rules (who, chain, ledger, stop list),
// not the byte formats, which issuer/core's own tests cover.

const te = new TextEncoder();
const td = new TextDecoder();

export interface TestAuthority extends Authority {
  epochPublic: Uint8Array;
}

/** seed: 32 bytes to make the same authority in two processes (the crash test). */
export function testAuthority(issuerId = 1, seed?: Uint8Array): TestAuthority {
  const epochSecret = seed ?? ed25519.utils.randomSecretKey();
  const epochPublic = ed25519.getPublicKey(epochSecret);
  const certBody = (cardNumber: string, signKey: Uint8Array, boxKey: Uint8Array) => concat(te.encode(`CERT${cardNumber}`), signKey, boxKey);
  const makeCert = (cardNumber: string, signKey: Uint8Array, boxKey: Uint8Array) => {
    const body = certBody(cardNumber, signKey, boxKey);
    return concat(body, ed25519.sign(body, epochSecret));
  };
  return {
    issuerId,
    epochPublic,
    checkCardCertificate(cert) {
      if (cert.length !== 20 + 64 + 64) throw new Error(`certificate must be 148 bytes, got ${cert.length}`);
      const body = cert.subarray(0, 84);
      if (td.decode(body.subarray(0, 4)) !== 'CERT') throw new Error('not a certificate');
      if (!ed25519.verify(cert.subarray(84), body, epochPublic)) throw new Error('certificate signature does not verify under the epoch key');
      return { cardNumber: td.decode(body.subarray(4, 20)), epoch: 1, signKey: body.slice(20, 52), boxKey: body.slice(52, 84) };
    },
    verifyChallenge: (card, challenge, sig) => sig.length === 64 && ed25519.verify(sig, concat(te.encode('AUTH'), challenge), card.signKey),
    verifyHeaderSignature: (card, header, sig) => sig.length === 64 && ed25519.verify(sig, concat(te.encode('HEAD'), header), card.signKey),
    splitUpload(b): UploadedBackup {
      if (b.length < 126 + 64 + 2) throw new Error(`upload of ${b.length} bytes is shorter than header, signature and key length`);
      const kl = ((b[190] as number) << 8) | (b[191] as number);
      if (b.length < 192 + kl) throw new Error('wrapped key truncated');
      return { header: b.slice(0, 126), signature: b.slice(126, 190), wrappedKey: b.slice(192, 192 + kl), records: b.slice(192 + kl) };
    },
    verifyReceipt(card, r): SpendReceipt {
      if (r.length !== 16 + 5 + 4 + 4 + 64) throw new Error(`receipt must be 93 bytes, got ${r.length}`);
      const body = r.subarray(0, 29);
      if (!ed25519.verify(r.subarray(29), concat(te.encode('SPND'), body), card.signKey)) throw new Error('receipt signature does not verify');
      const dv = new DataView(body.buffer, body.byteOffset);
      return { cardNumber: td.decode(body.subarray(0, 16)), aid: hex(body.subarray(16, 21)), amount: dv.getUint32(21), counter: dv.getUint32(25) };
    },
    loadToken(card, aid, amount, counter) {
      const body = concat(te.encode(card.cardNumber), fromHex(aid), u32be(amount), u32be(counter));
      return concat(body, ed25519.sign(concat(te.encode('LOAD'), body), epochSecret));
    },
    personalise(cardNumber, blank) {
      const certificate = makeCert(cardNumber, blank.signKey, blank.boxKey);
      return { certificate, personalisation: concat(certificate, te.encode('PIN')) };
    },
    restoreAuthorisation({ source, target, headerHash, wrappedKey, targetCounter }) {
      const body = concat(te.encode(source.cardNumber), te.encode(target.cardNumber), headerHash, u32be(targetCounter), wrappedKey);
      return concat(body, ed25519.sign(body, epochSecret));
    },
    signStopEntry: (n, cardNumber, at) => ed25519.sign(concat(te.encode('STOP'), u32be(n), te.encode(cardNumber), te.encode(String(at))), epochSecret),
    // Test helpers beyond the Authority: make a certified card.
    ...{ makeCert },
  } as TestAuthority & { makeCert: typeof makeCert };
}

/** A simulated card as the service sees it: keys, certificate, signatures. */
export class TestCard {
  readonly signSecret: Uint8Array;
  readonly signKey: Uint8Array;
  readonly boxKey = x25519.getPublicKey(x25519.utils.randomSecretKey());
  certificate: Uint8Array;
  constructor(
    authority: TestAuthority,
    public cardNumber: string,
    seed?: Uint8Array,
  ) {
    this.signSecret = seed ?? ed25519.utils.randomSecretKey();
    this.signKey = ed25519.getPublicKey(this.signSecret);
    this.certificate = (authority as unknown as { makeCert: (c: string, s: Uint8Array, b: Uint8Array) => Uint8Array }).makeCert(cardNumber, this.signKey, this.boxKey);
  }
  signChallenge = (challenge: Uint8Array) => ed25519.sign(concat(te.encode('AUTH'), challenge), this.signSecret);
  signHeader = (header: Uint8Array) => ed25519.sign(concat(te.encode('HEAD'), header), this.signSecret);
  /** Upload framing of the stand-in: header | signature | u16 key length | key | records. */
  frame(header: Uint8Array, records: Uint8Array, signature = this.signHeader(header)): Uint8Array {
    const key = sha256(this.signKey).subarray(0, 16);
    return concat(header, signature, u16be(key.length), key, records);
  }
  /** aid: 5 bytes of hex in this stand-in. */
  receipt(aid: string, amount: number, counter: number): Uint8Array {
    const body = concat(te.encode(this.cardNumber), fromHex(aid), u32be(amount), u32be(counter));
    return concat(body, ed25519.sign(concat(te.encode('SPND'), body), this.signSecret));
  }
}

export { equal };
