/**
 * The issuer's authorisations (format in ../backup-format.ts): a cross-card restore
 * (fig. 9) needs one for (source card, target card, header hash of the point); a key
 * import (claim 8) needs one for (source card, target card, SHA-256 of the wrapped key).
 * The issuer (or, in demo mode, the demo issuer) signs with its Ed25519 secret key;
 * the card verifies with the issuer public key it got at INITIALISE.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  authorisationMessage,
  encodeAuthorisation,
  headerHash,
  type RestoreAuthorisation,
} from '../backup-format.ts';

export type AuthorisationFields = Omit<RestoreAuthorisation, 'signature'>;

/** Sign any authorisation: 123 bytes ready for RESTORE (P1 01) or KEY IMPORT. */
export function signAuthorisation(issuerSecretKey: Uint8Array, a: AuthorisationFields): Uint8Array {
  const signature = ed25519.sign(authorisationMessage(a), issuerSecretKey);
  return encodeAuthorisation({ ...a, signature });
}

/** Authorise restoring the point named by `headerBytes` (source card's backup) onto `targetCard`. */
export function signRestoreAuthorisation(
  issuerSecretKey: Uint8Array,
  p: { issuer: number; epoch: number; sourceCard: string; targetCard: string; headerBytes: Uint8Array },
): Uint8Array {
  return signAuthorisation(issuerSecretKey, { issuer: p.issuer, epoch: p.epoch, sourceCard: p.sourceCard, targetCard: p.targetCard, pointHash: headerHash(p.headerBytes) });
}

/** What a key import authorisation signs in place of a header hash. */
export const keyImportPointHash = (wrappedKeyBytes: Uint8Array): Uint8Array => sha256(wrappedKeyBytes);

export function signKeyImportAuthorisation(
  issuerSecretKey: Uint8Array,
  p: { issuer: number; epoch: number; sourceCard: string; targetCard: string; wrappedKeyBytes: Uint8Array },
): Uint8Array {
  return signAuthorisation(issuerSecretKey, { issuer: p.issuer, epoch: p.epoch, sourceCard: p.sourceCard, targetCard: p.targetCard, pointHash: keyImportPointHash(p.wrappedKeyBytes) });
}

/** Card side: true only for a valid signature by `issuerPublicKey`; never throws. */
export function verifyAuthorisation(issuerPublicKey: Uint8Array, a: RestoreAuthorisation): boolean {
  try {
    return ed25519.verify(a.signature, authorisationMessage(a), issuerPublicKey, { zip215: false });
  } catch {
    return false;
  }
}
