/**
 * What every signed object of protocol version 2 shares (docs/trust.md): a 4-byte magic
 * naming the object, the version byte, the body, then a 64-byte Ed25519 signature over
 * everything before it. The magic is the domain separation: no two objects share one, so
 * a signature over one can never be presented as another.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { ByteReader, concat } from '../bytes.ts';
import { fail, ok, type Decoded } from '../result.ts';

export const TRUST_VERSION = 2;
export const SIGNATURE_BYTES = 64;
export const ED25519_KEY_BYTES = 32;

export const ascii4 = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Signs `message` with an Ed25519 secret key (32-byte seed). */
export const sign = (secretKey: Uint8Array, message: Uint8Array): Uint8Array => ed25519.sign(message, secretKey);
export const signingPublicKey = (secretKey: Uint8Array): Uint8Array => ed25519.getPublicKey(secretKey);

/** Never throws: a malformed key or signature is simply not valid. */
export function verifySignature(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (publicKey.length !== ED25519_KEY_BYTES || signature.length !== SIGNATURE_BYTES) return false;
  try {
    return ed25519.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** magic ‖ version. */
export const prefix = (magic: Uint8Array): Uint8Array => concat(magic, Uint8Array.of(TRUST_VERSION));

/** Opens a reader past magic and version, or says which was wrong. */
export function openBody(b: Uint8Array, magic: Uint8Array, what: string): Decoded<ByteReader> {
  const r = new ByteReader(b);
  const m = r.take(4);
  if (!m) return fail(what, 'truncated', 0);
  if (m.some((v, i) => v !== magic[i])) return fail(what, 'bad magic', 0);
  const version = r.u8();
  if (version === undefined) return fail(what, 'truncated', 4);
  if (version !== TRUST_VERSION) return fail(what, `unsupported version ${version} (this app reads version ${TRUST_VERSION})`, 4);
  return ok(r);
}

/** The last check of every decoder: nothing may follow the signature. */
export function finish<T>(r: ByteReader, what: string, value: T): Decoded<T> {
  if (r.remaining !== 0) return fail(what, `${r.remaining} extra bytes`, r.offset);
  return ok(value);
}

export const copy = (b: Uint8Array): Uint8Array => b.slice();
