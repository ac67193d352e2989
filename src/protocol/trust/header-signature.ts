/**
 * Backup signature (version 2): the card signs every backup's wrapped key and header
 * (fig. 7's key part and control information) with its certified Ed25519 key, so anyone
 * holding the card's certificate (vault on commit, import and verify; issuer on upload and
 * before it re-wraps a key; card on restore) can tell a genuine, unaltered backup without
 * decrypting it. The records need no signature of their own: each is sealed under the
 * card-unique key bound to (seq, page), and the header's page-map hash says which pages a
 * point holds.
 *
 *   signed message = 'ICVS' 02 ‖ wrapped key v2 (99 bytes, wrapped-key.ts)
 *                             ‖ header (126 bytes, src/protocol/backup-format.ts)
 *   signature      = 64 bytes, stored right after the header
 *
 * The wrapped key is under the signature so that nobody can swap it: the issuer opens the
 * wrapped key it is given and re-wraps that key for a replacement card, so an unsigned
 * wrapped key would let a request pair one card's header with another card's key.
 */
import { concat } from '../bytes.ts';
import { HEADER_BYTES } from '../backup-format.ts';
import { ascii4, prefix, sign, SIGNATURE_BYTES, verifySignature } from './codec.ts';
import { WRAPPED_KEY_V2_BYTES } from './wrapped-key.ts';

const MAGIC = ascii4('ICVS');
export const HEADER_SIGNATURE_BYTES = SIGNATURE_BYTES;

export function headerSignatureMessage(wrappedKey: Uint8Array, headerBytes: Uint8Array): Uint8Array {
  if (wrappedKey.length !== WRAPPED_KEY_V2_BYTES) throw new RangeError(`wrapped key must be ${WRAPPED_KEY_V2_BYTES} bytes, got ${wrappedKey.length}`);
  if (headerBytes.length !== HEADER_BYTES) throw new RangeError(`backup header must be ${HEADER_BYTES} bytes, got ${headerBytes.length}`);
  return concat(prefix(MAGIC), wrappedKey, headerBytes);
}

export const signHeader = (cardSigningSecretKey: Uint8Array, wrappedKey: Uint8Array, headerBytes: Uint8Array): Uint8Array =>
  sign(cardSigningSecretKey, headerSignatureMessage(wrappedKey, headerBytes));

/** Never throws: a wrapped key or header of the wrong length simply does not verify. */
export function verifyHeaderSignature(cardSigningPublicKey: Uint8Array, wrappedKey: Uint8Array, headerBytes: Uint8Array, signature: Uint8Array): boolean {
  if (wrappedKey.length !== WRAPPED_KEY_V2_BYTES || headerBytes.length !== HEADER_BYTES) return false;
  return verifySignature(cardSigningPublicKey, headerSignatureMessage(wrappedKey, headerBytes), signature);
}
