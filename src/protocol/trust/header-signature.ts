/**
 * Backup header signature (version 2): the card signs every backup header (fig. 7's
 * control information) with its certified Ed25519 key, so anyone holding the card's
 * certificate (vault on import and verify, issuer on upload, card on restore) can tell a
 * genuine, unaltered backup without decrypting it.
 *
 *   signed message = 'ICVS' 02 ‖ header (126 bytes, src/protocol/backup-format.ts)
 *   signature      = 64 bytes, stored right after the header
 */
import { concat } from '../bytes.ts';
import { HEADER_BYTES } from '../backup-format.ts';
import { ascii4, prefix, sign, SIGNATURE_BYTES, verifySignature } from './codec.ts';

const MAGIC = ascii4('ICVS');
export const HEADER_SIGNATURE_BYTES = SIGNATURE_BYTES;

export function headerSignatureMessage(headerBytes: Uint8Array): Uint8Array {
  if (headerBytes.length !== HEADER_BYTES) throw new RangeError(`backup header must be ${HEADER_BYTES} bytes, got ${headerBytes.length}`);
  return concat(prefix(MAGIC), headerBytes);
}

export const signHeader = (cardSigningSecretKey: Uint8Array, headerBytes: Uint8Array): Uint8Array => sign(cardSigningSecretKey, headerSignatureMessage(headerBytes));

/**
 * Never throws. Takes either the header and its signature, or the signed header
 * (header ‖ signature, HEADER_BYTES + 64 bytes) alone.
 */
export function verifyHeaderSignature(cardSigningPublicKey: Uint8Array, headerBytes: Uint8Array, signature?: Uint8Array): boolean {
  let header = headerBytes;
  let sig = signature;
  if (sig === undefined) {
    if (headerBytes.length !== HEADER_BYTES + SIGNATURE_BYTES) return false;
    header = headerBytes.subarray(0, HEADER_BYTES);
    sig = headerBytes.subarray(HEADER_BYTES);
  }
  if (header.length !== HEADER_BYTES) return false;
  return verifySignature(cardSigningPublicKey, headerSignatureMessage(header), sig);
}
