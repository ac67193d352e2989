/**
 * Which header signatures a whole verify must check, given the hash chain.
 *
 * Every backup header names its predecessor by SHA-256 (`prevHash`, fig. 5's chain) and
 * commits to its page map (`pageMapHash`). So once one header is known to be the card's
 * (its card signature verifies), every header it names by hash is the card's too, and
 * so on back along the chain: a forged header with its stored hash recomputed no longer
 * hashes to what its authentic successor names, so it is not vouched for, its own
 * signature is checked, and that fails. Verify therefore checks the signature of each
 * *anchor* (a header no authentic successor names: the newest, and the first after each
 * gap or unconfirmed branch) and the hash links back from it, instead of one Ed25519
 * check per header (about 50 us each in Chromium: the floor of a 1,000-backup verify).
 *
 * The signature (and the wrapped key it covers with the header) of a vouched header are
 * not checked by Ed25519; they are checked against `signatureHash`, the SHA-256 of
 * wrapped key ‖ signature when commit or import verified them, so damaged stored bytes
 * are still found. That hash is no proof: the chain vouches for the header, not for the
 * wrapped key, so a wrapped key altered on purpose with `signatureHash` recomputed passes
 * a chain verify. It is found by a verify with `signatures: 'every'`, by import (which
 * checks every signature), by the card at RESTORE (6988) and by the issuer. Rows stored
 * before this field existed have none and are always checked in full. See
 * docs/vault-format.md, "Verify and the chain".
 */
import { concat } from '../protocol/bytes.ts';
import { sha256Hex } from './hash.ts';

/** The bytes `signatureHash` is the SHA-256 of: wrapped key ‖ signature. */
export const keptBytes = (wrappedKey: Uint8Array, signature: Uint8Array): Uint8Array => concat(wrappedKey, signature);
const keptHash = (wrappedKey: Uint8Array, signature: Uint8Array): string => sha256Hex(keptBytes(wrappedKey, signature));

/** The signature as the vault keeps it, with the SHA-256 that wrapped key ‖ signature had when it was checked. */
export function keptSignature(wrappedKey: Uint8Array | undefined, signature: Uint8Array | undefined): { headerSignature?: Uint8Array; signatureHash?: string } {
  return signature && wrappedKey ? { headerSignature: signature, signatureHash: keptHash(wrappedKey, signature) } : signature ? { headerSignature: signature } : {};
}

export interface SignedLink {
  seq: number;
  /** SHA-256 hex of the header bytes as read now (never the hash stored with them). */
  actualHash: string;
  /** prevHash hex from the decoded header; undefined when it does not decode. */
  prevHash: string | undefined;
  /** The header is of the signing kind (version 2, card with a certificate, 64-byte signature) and its signature bytes still hash to `signatureHash`. */
  signatureIntact: boolean;
}

/**
 * Seqs whose signature must be verified, assuming every one of those checks passes (if
 * one fails, what it vouched for is unproven: the caller then checks every header).
 * Walks from the newest down; a header is vouched for when an already accepted header
 * names its actual hash.
 */
export function anchorsOf(links: readonly SignedLink[]): Set<number> {
  const vouched = new Set<string>();
  const anchors = new Set<number>();
  for (const l of [...links].sort((a, b) => b.seq - a.seq)) {
    if (!(l.signatureIntact && vouched.has(l.actualHash))) anchors.add(l.seq);
    if (l.prevHash !== undefined) vouched.add(l.prevHash);
  }
  return anchors;
}

/**
 * Is the stored signature of the signing kind and, with its wrapped key, unaltered since it
 * was checked? `actual`: the SHA-256 hex of keptBytes, if already made (verify makes them
 * all with its other hashes).
 */
export function signatureIntact(
  certificate: Uint8Array | undefined,
  headerVersion: number,
  wrappedKey: Uint8Array | undefined,
  signature: Uint8Array | undefined,
  signatureHash: string | undefined,
  actual?: string,
): boolean {
  return certificate !== undefined && headerVersion === 2 && signature?.length === 64 && wrappedKey !== undefined && signatureHash !== undefined && (actual ?? keptHash(wrappedKey, signature)) === signatureHash;
}
