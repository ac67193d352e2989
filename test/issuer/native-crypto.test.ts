import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { ed25519Verify, sha256 } from '../../issuer/native-crypto.ts';
import { headerHash, HEADER_BYTES } from '../../src/protocol/backup-format.ts';
import { tokenHash } from '../../issuer/keys/secrets.ts';

// The service's hot path verifies and hashes with OpenSSL (issuer/native-crypto.ts); the
// card and the browser sign and hash with @noble. They must agree on every input.
describe('issuer native crypto agrees with @noble', () => {
  it('hashes like @noble sha256', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 5000 }), (d) => {
      expect(sha256(d)).toEqual(nobleSha256(d));
    }), { numRuns: 50 });
  });

  it("hashes a backup header as the protocol's headerHash does (the chain's links)", () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: HEADER_BYTES, maxLength: HEADER_BYTES }), (h) => {
      expect(sha256(h)).toEqual(headerHash(h));
    }), { numRuns: 50 });
  });

  it('hashes a session token as the sessions table keeps it', () => {
    const token = 'ab'.repeat(32);
    expect(tokenHash(token)).toEqual(nobleSha256(new TextEncoder().encode(token)));
  });

  it('accepts the signatures @noble makes and refuses any altered message, signature or key', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 300 }), fc.nat(), (seed, msg, at) => {
        const pk = ed25519.getPublicKey(seed);
        const sig = ed25519.sign(msg, seed);
        expect(ed25519Verify(pk, msg, sig)).toBe(true);
        const badSig = sig.slice();
        badSig[at % 64] = (badSig[at % 64] ?? 0) ^ 1;
        expect(ed25519Verify(pk, msg, badSig)).toBe(false);
        const badMsg = Uint8Array.of(...msg, 0);
        expect(ed25519Verify(pk, badMsg, sig)).toBe(false);
        const otherKey = ed25519.getPublicKey(Uint8Array.from(seed, (b) => b ^ 0xff));
        expect(ed25519Verify(otherKey, msg, sig)).toBe(false);
      }),
      { numRuns: 40 },
    );
  });

  it('answers false, never throws, for keys and signatures of the wrong length or no point', () => {
    const seed = new Uint8Array(32).fill(7);
    const sig = ed25519.sign(Uint8Array.of(1), seed);
    expect(ed25519Verify(new Uint8Array(31), Uint8Array.of(1), sig)).toBe(false);
    expect(ed25519Verify(ed25519.getPublicKey(seed), Uint8Array.of(1), sig.subarray(0, 63))).toBe(false);
    expect(ed25519Verify(new Uint8Array(32).fill(0xff), Uint8Array.of(1), sig)).toBe(false);
  });
});
