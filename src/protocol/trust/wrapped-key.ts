/**
 * Wrapped key, version 2 (patent fig. 7's key part): the card-unique key (008) sealed by
 * HPKE to the current epoch's X25519 key, in place of the patent's common key (009). Only
 * the issuer (holding that epoch's secret) can open it; no card can.
 *
 *   'ICVK' 02 issuer u32, epoch u16, card number (8), enc (32), sealed (48) = 99 bytes
 *   sealed = HPKE(epoch X25519 key, info 'icvault v2 unique key', aad = bytes 0..18, key(32))
 */
import { concat, u16be, u32be } from '../bytes.ts';
import { CARD_NUMBER_BYTES, decodeCardNumber, encodeCardNumber } from '../card-number.ts';
import { fail, type Decoded } from '../result.ts';
import { ascii4, copy, finish, openBody, prefix } from './codec.ts';
import { HPKE_ENC_BYTES, HPKE_TAG_BYTES, hpkeOpen, hpkeSeal } from './hpke.ts';

const MAGIC = ascii4('ICVK');
export const UNIQUE_KEY_BYTES = 32;
export const WRAPPED_KEY_V2_BYTES = 5 + 4 + 2 + CARD_NUMBER_BYTES + HPKE_ENC_BYTES + UNIQUE_KEY_BYTES + HPKE_TAG_BYTES; // 99
export const UNIQUE_KEY_INFO = new TextEncoder().encode('icvault v2 unique key');

export interface WrappedKeyContext {
  issuer: number;
  epoch: number;
  cardNumber: string;
}
export interface WrappedKeyV2 extends WrappedKeyContext {
  enc: Uint8Array;
  sealed: Uint8Array;
}

/** The HPKE associated data: who made the key, under which epoch. */
export const wrappedKeyV2AD = (k: WrappedKeyContext): Uint8Array => concat(prefix(MAGIC), u32be(k.issuer), u16be(k.epoch), encodeCardNumber(k.cardNumber));

export function encodeWrappedKeyV2(w: WrappedKeyV2): Uint8Array {
  if (w.enc.length !== HPKE_ENC_BYTES || w.sealed.length !== UNIQUE_KEY_BYTES + HPKE_TAG_BYTES) throw new RangeError('wrapped key: bad enc or sealed length');
  return concat(wrappedKeyV2AD(w), w.enc, w.sealed);
}

export function decodeWrappedKeyV2(b: Uint8Array): Decoded<WrappedKeyV2> {
  const what = 'wrapped key';
  const o = openBody(b, MAGIC, what);
  if (!o.ok) return o;
  const r = o.value;
  const issuer = r.u32();
  const epoch = r.u16();
  const cn = r.take(CARD_NUMBER_BYTES);
  const enc = r.take(HPKE_ENC_BYTES);
  const sealed = r.take(UNIQUE_KEY_BYTES + HPKE_TAG_BYTES);
  if (issuer === undefined || epoch === undefined || !cn || !enc || !sealed) return fail(what, `truncated: expected ${WRAPPED_KEY_V2_BYTES} bytes, got ${b.length}`, r.offset);
  const card = decodeCardNumber(cn);
  if (!card.ok) return fail(what, card.error.message, 11);
  return finish(r, what, { issuer, epoch, cardNumber: card.value, enc: copy(enc), sealed: copy(sealed) });
}

/** The card wraps its unique key to the epoch it currently uses. */
export function wrapUniqueKey(epochKemPublicKey: Uint8Array, ctx: WrappedKeyContext, uniqueKey: Uint8Array, ephemeralSecretKey?: Uint8Array): WrappedKeyV2 {
  if (uniqueKey.length !== UNIQUE_KEY_BYTES) throw new RangeError(`unique key must be ${UNIQUE_KEY_BYTES} bytes`);
  const s = hpkeSeal(epochKemPublicKey, UNIQUE_KEY_INFO, wrappedKeyV2AD(ctx), uniqueKey, ephemeralSecretKey);
  return { issuer: ctx.issuer, epoch: ctx.epoch, cardNumber: ctx.cardNumber, enc: s.enc, sealed: s.ciphertext };
}

/** The issuer opens it with that epoch's X25519 secret. Never throws. */
export function unwrapUniqueKey(epochKemSecretKey: Uint8Array, w: WrappedKeyV2): Uint8Array | undefined {
  let ad: Uint8Array;
  try {
    ad = wrappedKeyV2AD(w);
  } catch {
    return undefined;
  }
  const key = hpkeOpen(epochKemSecretKey, w.enc, UNIQUE_KEY_INFO, ad, w.sealed);
  return key && key.length === UNIQUE_KEY_BYTES ? key : undefined;
}
