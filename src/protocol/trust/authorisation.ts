/**
 * Restore authorisation, version 2 (replaces v1's self-signed 'ICVA' and KEY IMPORT): the
 * issuer lets ONE target card restore ONE source card's chain head, once. Signed by the
 * epoch key; the source card's unique key comes re-wrapped by HPKE to the target card's
 * certified X25519 key, with every binding field as associated data.
 *
 *   'ICVA' 02 issuer u32, epoch u16, source card (8), target card (8),
 *             chainHead (32) = SHA-256 header hash of the point to restore,
 *             targetCounter u32 = the target's authorisation counter after use (its value + 1),
 *             sourceSigningPublicKey (32): checks the source's header signatures,
 *             enc (32), sealed (48) = HPKE(target X25519, info 'icvault v2 restore key',
 *                                         aad = bytes 0..94, source unique key),
 *             signature by EPOCH key (64)                                  = 239 bytes
 */
import { concat, equal, u16be, u32be } from '../bytes.ts';
import { CARD_NUMBER_BYTES, decodeCardNumber, encodeCardNumber } from '../card-number.ts';
import { fail, type Decoded } from '../result.ts';
import { ascii4, copy, ED25519_KEY_BYTES, finish, openBody, prefix, SIGNATURE_BYTES, verifySignature } from './codec.ts';
import { HPKE_ENC_BYTES, HPKE_TAG_BYTES, hpkeOpen, hpkeSeal } from './hpke.ts';
import { UNIQUE_KEY_BYTES } from './wrapped-key.ts';

const MAGIC = ascii4('ICVA');
export const CHAIN_HEAD_BYTES = 32;
export const RESTORE_KEY_INFO = new TextEncoder().encode('icvault v2 restore key');
export const AUTHORISATION_V2_BYTES = 5 + 4 + 2 + 2 * CARD_NUMBER_BYTES + CHAIN_HEAD_BYTES + 4 + ED25519_KEY_BYTES + HPKE_ENC_BYTES + UNIQUE_KEY_BYTES + HPKE_TAG_BYTES + SIGNATURE_BYTES; // 239

export interface AuthorisationBinding {
  issuer: number;
  epoch: number;
  sourceCardNumber: string;
  targetCardNumber: string;
  chainHead: Uint8Array;
  targetCounter: number;
  sourceSigningPublicKey: Uint8Array;
}
export interface AuthorisationV2 extends AuthorisationBinding {
  enc: Uint8Array;
  sealed: Uint8Array;
  signature: Uint8Array;
}

/** The binding fields: HPKE associated data of the re-wrapped key. */
export function authorisationBinding(a: AuthorisationBinding): Uint8Array {
  if (a.chainHead.length !== CHAIN_HEAD_BYTES || a.sourceSigningPublicKey.length !== ED25519_KEY_BYTES) throw new RangeError('authorisation: chain head and source key must be 32 bytes');
  return concat(prefix(MAGIC), u32be(a.issuer), u16be(a.epoch), encodeCardNumber(a.sourceCardNumber), encodeCardNumber(a.targetCardNumber), a.chainHead, u32be(a.targetCounter), a.sourceSigningPublicKey);
}

/** The exact bytes the epoch key signs. */
export function authorisationMessage(a: Omit<AuthorisationV2, 'signature'>): Uint8Array {
  if (a.enc.length !== HPKE_ENC_BYTES || a.sealed.length !== UNIQUE_KEY_BYTES + HPKE_TAG_BYTES) throw new RangeError('authorisation: bad enc or sealed length');
  return concat(authorisationBinding(a), a.enc, a.sealed);
}

export const encodeAuthorisationV2 = (a: AuthorisationV2): Uint8Array => concat(authorisationMessage(a), a.signature);

export function decodeAuthorisationV2(b: Uint8Array): Decoded<AuthorisationV2> {
  const what = 'restore authorisation';
  const o = openBody(b, MAGIC, what);
  if (!o.ok) return o;
  const r = o.value;
  const issuer = r.u32();
  const epoch = r.u16();
  const src = r.take(CARD_NUMBER_BYTES);
  const dst = r.take(CARD_NUMBER_BYTES);
  const chainHead = r.take(CHAIN_HEAD_BYTES);
  const targetCounter = r.u32();
  const sourceSigningPublicKey = r.take(ED25519_KEY_BYTES);
  const enc = r.take(HPKE_ENC_BYTES);
  const sealed = r.take(UNIQUE_KEY_BYTES + HPKE_TAG_BYTES);
  const signature = r.take(SIGNATURE_BYTES);
  if (issuer === undefined || epoch === undefined || !src || !dst || !chainHead || targetCounter === undefined || !sourceSigningPublicKey || !enc || !sealed || !signature) return fail(what, `truncated: expected ${AUTHORISATION_V2_BYTES} bytes, got ${b.length}`, r.offset);
  const source = decodeCardNumber(src);
  if (!source.ok) return fail(what, `source ${source.error.message}`, 11);
  const target = decodeCardNumber(dst);
  if (!target.ok) return fail(what, `target ${target.error.message}`, 19);
  return finish(r, what, {
    issuer,
    epoch,
    sourceCardNumber: source.value,
    targetCardNumber: target.value,
    chainHead: copy(chainHead),
    targetCounter,
    sourceSigningPublicKey: copy(sourceSigningPublicKey),
    enc: copy(enc),
    sealed: copy(sealed),
    signature: copy(signature),
  });
}

/** The issuer re-wraps the source's unique key to the target card. */
export function sealRestoreKey(targetKemPublicKey: Uint8Array, binding: AuthorisationBinding, uniqueKey: Uint8Array, ephemeralSecretKey?: Uint8Array): { enc: Uint8Array; sealed: Uint8Array } {
  if (uniqueKey.length !== UNIQUE_KEY_BYTES) throw new RangeError(`unique key must be ${UNIQUE_KEY_BYTES} bytes`);
  const s = hpkeSeal(targetKemPublicKey, RESTORE_KEY_INFO, authorisationBinding(binding), uniqueKey, ephemeralSecretKey);
  return { enc: s.enc, sealed: s.ciphertext };
}

/** The target card opens the source's unique key with its X25519 secret. Never throws. */
export function openRestoreKey(targetKemSecretKey: Uint8Array, a: AuthorisationV2): Uint8Array | undefined {
  let ad: Uint8Array;
  try {
    ad = authorisationBinding(a);
  } catch {
    return undefined;
  }
  const key = hpkeOpen(targetKemSecretKey, a.enc, RESTORE_KEY_INFO, ad, a.sealed);
  return key && key.length === UNIQUE_KEY_BYTES ? key : undefined;
}

/** Signature by the epoch key. Never throws. */
export function verifyAuthorisationV2(epochSigningPublicKey: Uint8Array, a: AuthorisationV2): boolean {
  try {
    return verifySignature(epochSigningPublicKey, authorisationMessage(a), a.signature);
  } catch {
    return false;
  }
}

/** Why a target card refuses an authorisation (the card maps each to its status word). */
export type AuthorisationCheck = 'ok' | 'signature' | 'issuer' | 'epoch' | 'not-this-card' | 'chain-head' | 'replayed' | 'key';

/**
 * What the target card checks before it accepts: the epoch key's signature, its own issuer
 * and card number, the chain head of the backup it is about to restore, and its own
 * authorisation counter (each authorisation works once). Never throws.
 */
export function checkAuthorisationV2(
  epochSigningPublicKey: Uint8Array,
  a: AuthorisationV2,
  expect: { issuer: number; epoch: number; targetCardNumber: string; chainHead: Uint8Array; authorisationCounter: number },
): AuthorisationCheck {
  if (!verifyAuthorisationV2(epochSigningPublicKey, a)) return 'signature';
  if (a.issuer !== expect.issuer) return 'issuer';
  if (a.epoch !== expect.epoch) return 'epoch';
  if (a.targetCardNumber !== expect.targetCardNumber) return 'not-this-card';
  if (!equal(a.chainHead, expect.chainHead)) return 'chain-head';
  if (a.targetCounter !== expect.authorisationCounter + 1) return 'replayed';
  return 'ok';
}
