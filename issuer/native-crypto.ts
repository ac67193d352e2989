import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import { hex } from '../src/protocol/bytes.ts';

// The upload's two hot primitives through Node's OpenSSL instead of @noble (the same
// algorithms, not hand-written: SHA-256 and Ed25519 per RFC 8032). Measured on the bench
// machine: SHA-256 of a 42 KB full backup 0.02 ms (noble 3.5 ms), an Ed25519 verify
// 0.06 ms (noble 1.0 ms), which is most of what an upload costs besides its one SQL
// statement (docs/issuer-scale.md). The service runs only on Node; the card and the
// browser keep @noble (src/protocol has no Node built-ins).

export function sha256(data: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(data).digest());
}

// An Ed25519 public key as a JWK (RFC 8037): its 32 bytes in base64url.
const base64url = (b: Uint8Array) => btoa(String.fromCharCode(...b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const keys = new Map<string, KeyObject>();

function keyObject(publicKey: Uint8Array): KeyObject {
  const id = hex(publicKey);
  let k = keys.get(id);
  if (!k) {
    k = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: base64url(publicKey) }, format: 'jwk' });
    if (keys.size >= 100_000) keys.clear();
    keys.set(id, k);
  }
  return k;
}

/** Ed25519 verify (strict RFC 8032: a signature noble's ZIP-215 rule would also accept).
 *  Never throws: a malformed key or signature is a false. */
export function ed25519Verify(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== 32 || signature.length !== 64) return false;
  try {
    return verify(null, message, keyObject(publicKey), signature);
  } catch {
    return false;
  }
}
