/**
 * HPKE, RFC 9180, Base mode only, one suite:
 *   KEM  DHKEM(X25519, HKDF-SHA256)  kem_id 0x0020 (RFC 9180 §7.1)
 *   KDF  HKDF-SHA256                  kdf_id 0x0001 (§7.2)
 *   AEAD ChaCha20-Poly1305            aead_id 0x0003 (§7.3)
 * composed from @noble primitives exactly as §4 (DHKEM), §5.1 (key schedule) and §5.2
 * (single-shot seal/open, sequence number 0) say. Synchronous because the simulated card's
 * transmit is synchronous; @hpke/core (async) is the interoperability reference in tests.
 * The card-unique key (patent's 008) travels only inside these envelopes (docs/trust.md).
 */
import { chacha20poly1305 } from '@noble/ciphers/chacha.js';
import { x25519 } from '@noble/curves/ed25519.js';
import { expand, extract } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, u16be } from '../bytes.ts';

export const HPKE_KEM_ID = 0x0020;
export const HPKE_KDF_ID = 0x0001;
export const HPKE_AEAD_ID = 0x0003;
/** Nenc = Npk = Nsk for X25519. */
export const HPKE_ENC_BYTES = 32;
export const X25519_KEY_BYTES = 32;
/** Poly1305 tag added to every sealed plaintext. */
export const HPKE_TAG_BYTES = 16;

const ascii = (s: string) => new TextEncoder().encode(s);
const HPKE_V1 = ascii('HPKE-v1');
const KEM_SUITE = concat(ascii('KEM'), u16be(HPKE_KEM_ID));
const HPKE_SUITE = concat(ascii('HPKE'), u16be(HPKE_KEM_ID), u16be(HPKE_KDF_ID), u16be(HPKE_AEAD_ID));
const EMPTY = new Uint8Array(0);
const MODE_BASE = 0x00;
const NK = 32; // ChaCha20-Poly1305 key
const NN = 12; // its nonce
const NSECRET = 32; // DHKEM(X25519) shared secret

// §4: LabeledExtract / LabeledExpand.
function labeledExtract(suite: Uint8Array, salt: Uint8Array, label: string, ikm: Uint8Array): Uint8Array {
  return extract(sha256, concat(HPKE_V1, suite, ascii(label), ikm), salt);
}
function labeledExpand(suite: Uint8Array, prk: Uint8Array, label: string, info: Uint8Array, length: number): Uint8Array {
  return expand(sha256, prk, concat(u16be(length), HPKE_V1, suite, ascii(label), info), length);
}

// §4.1: ExtractAndExpand over DH output and kem_context = enc || pkRm.
function kemSharedSecret(dh: Uint8Array, enc: Uint8Array, recipientPublicKey: Uint8Array): Uint8Array {
  const prk = labeledExtract(KEM_SUITE, EMPTY, 'eae_prk', dh);
  return labeledExpand(KEM_SUITE, prk, 'shared_secret', concat(enc, recipientPublicKey), NSECRET);
}

// §5.1: KeySchedule for mode_base (psk and psk_id empty); only key and base_nonce are used.
function keySchedule(sharedSecret: Uint8Array, info: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const pskIdHash = labeledExtract(HPKE_SUITE, EMPTY, 'psk_id_hash', EMPTY);
  const infoHash = labeledExtract(HPKE_SUITE, EMPTY, 'info_hash', info);
  const context = concat(Uint8Array.of(MODE_BASE), pskIdHash, infoHash);
  const secret = labeledExtract(HPKE_SUITE, sharedSecret, 'secret', EMPTY);
  return { key: labeledExpand(HPKE_SUITE, secret, 'key', context, NK), nonce: labeledExpand(HPKE_SUITE, secret, 'base_nonce', context, NN) };
}

/** §7.1.3 DeriveKeyPair for X25519: a key pair from input keying material (seeded issuers, tests). */
export function hpkeDeriveKeyPair(ikm: Uint8Array): { secretKey: Uint8Array; publicKey: Uint8Array } {
  const prk = labeledExtract(KEM_SUITE, EMPTY, 'dkp_prk', ikm);
  const secretKey = labeledExpand(KEM_SUITE, prk, 'sk', EMPTY, X25519_KEY_BYTES);
  return { secretKey, publicKey: x25519.getPublicKey(secretKey) };
}

export const hpkePublicKey = (secretKey: Uint8Array): Uint8Array => x25519.getPublicKey(secretKey);
export const hpkeRandomSecretKey = (): Uint8Array => x25519.utils.randomSecretKey();

export interface HpkeSealed {
  /** The encapsulated ephemeral public key (Nenc = 32 bytes). */
  enc: Uint8Array;
  /** plaintext length + 16. */
  ciphertext: Uint8Array;
}

/**
 * SealBase (§6.1) with sequence number 0. `ephemeralSecretKey` is for test vectors and
 * deterministic fixtures only; normally a fresh one is drawn. Throws RangeError on a
 * malformed recipient key (a caller's bug, not bad input from the wire).
 */
export function hpkeSeal(recipientPublicKey: Uint8Array, info: Uint8Array, aad: Uint8Array, plaintext: Uint8Array, ephemeralSecretKey?: Uint8Array): HpkeSealed {
  if (recipientPublicKey.length !== X25519_KEY_BYTES) throw new RangeError(`HPKE: recipient public key must be ${X25519_KEY_BYTES} bytes, got ${recipientPublicKey.length}`);
  const skE = ephemeralSecretKey ?? x25519.utils.randomSecretKey();
  const enc = x25519.getPublicKey(skE);
  // noble refuses an all-zero DH output (RFC 9180 §7.1.4 requires the check).
  const dh = x25519.getSharedSecret(skE, recipientPublicKey);
  const { key, nonce } = keySchedule(kemSharedSecret(dh, enc, recipientPublicKey), info);
  return { enc, ciphertext: chacha20poly1305(key, nonce, aad).encrypt(plaintext) };
}

/** OpenBase (§6.1), sequence number 0. Never throws: undefined for anything that does not open. */
export function hpkeOpen(recipientSecretKey: Uint8Array, enc: Uint8Array, info: Uint8Array, aad: Uint8Array, ciphertext: Uint8Array): Uint8Array | undefined {
  if (recipientSecretKey.length !== X25519_KEY_BYTES || enc.length !== HPKE_ENC_BYTES || ciphertext.length < HPKE_TAG_BYTES) return undefined;
  try {
    const dh = x25519.getSharedSecret(recipientSecretKey, enc);
    const { key, nonce } = keySchedule(kemSharedSecret(dh, enc, x25519.getPublicKey(recipientSecretKey)), info);
    return chacha20poly1305(key, nonce, aad).decrypt(ciphertext);
  } catch {
    return undefined;
  }
}
