/**
 * Load token (docs/trust.md): value enters a card (e-money CREDIT, membership ADD POINTS)
 * only with one. Signed by the epoch key; bound to the card, the application and the load
 * counter value the card will accept next (its counter + 1), so each token loads once.
 *
 *   'ICVL' 02 issuer u32, epoch u16, card number (8), aidLength u8, AID (5-16),
 *             amount u32, loadCounter u32, signature by EPOCH key (64)
 */
import { concat, equal, u16be, u32be } from '../bytes.ts';
import { CARD_NUMBER_BYTES, decodeCardNumber, encodeCardNumber } from '../card-number.ts';
import { fail, type Decoded } from '../result.ts';
import { ascii4, copy, finish, openBody, prefix, SIGNATURE_BYTES, verifySignature } from './codec.ts';

const MAGIC = ascii4('ICVL');
export const AID_MIN_BYTES = 5;
export const AID_MAX_BYTES = 16;

export interface LoadTokenBody {
  issuer: number;
  epoch: number;
  cardNumber: string;
  aid: Uint8Array;
  amount: number;
  /** The card's load counter after this load (its current value + 1). */
  loadCounter: number;
}
export interface LoadToken extends LoadTokenBody {
  signature: Uint8Array;
}

export function checkAid(what: string, aid: Uint8Array): void {
  if (aid.length < AID_MIN_BYTES || aid.length > AID_MAX_BYTES) throw new RangeError(`${what}: AID must be ${AID_MIN_BYTES}-${AID_MAX_BYTES} bytes, got ${aid.length}`);
}

/** The exact bytes the epoch key signs. */
export function loadTokenMessage(t: LoadTokenBody): Uint8Array {
  checkAid('load token', t.aid);
  return concat(prefix(MAGIC), u32be(t.issuer), u16be(t.epoch), encodeCardNumber(t.cardNumber), Uint8Array.of(t.aid.length), t.aid, u32be(t.amount), u32be(t.loadCounter));
}

export const encodeLoadToken = (t: LoadToken): Uint8Array => concat(loadTokenMessage(t), t.signature);

export function decodeLoadToken(b: Uint8Array): Decoded<LoadToken> {
  const what = 'load token';
  const o = openBody(b, MAGIC, what);
  if (!o.ok) return o;
  const r = o.value;
  const issuer = r.u32();
  const epoch = r.u16();
  const cn = r.take(CARD_NUMBER_BYTES);
  const aidLength = r.u8();
  if (issuer === undefined || epoch === undefined || !cn || aidLength === undefined) return fail(what, 'truncated', r.offset);
  if (aidLength < AID_MIN_BYTES || aidLength > AID_MAX_BYTES) return fail(what, `AID length ${aidLength} outside ${AID_MIN_BYTES}-${AID_MAX_BYTES}`, r.offset - 1);
  const aid = r.take(aidLength);
  const amount = r.u32();
  const loadCounter = r.u32();
  const signature = r.take(SIGNATURE_BYTES);
  if (!aid || amount === undefined || loadCounter === undefined || !signature) return fail(what, 'truncated', r.offset);
  const card = decodeCardNumber(cn);
  if (!card.ok) return fail(what, card.error.message, 11);
  return finish(r, what, { issuer, epoch, cardNumber: card.value, aid: copy(aid), amount, loadCounter, signature: copy(signature) });
}

/** Signature by the epoch key only; the card checks card, AID and counter itself. Never throws. */
export function verifyLoadToken(epochSigningPublicKey: Uint8Array, t: LoadToken): boolean {
  try {
    return verifySignature(epochSigningPublicKey, loadTokenMessage(t), t.signature);
  } catch {
    return false;
  }
}

/** Everything a card checks: signature, issuer, card, application, and that the counter is its next. */
export function loadTokenFits(t: LoadToken, expect: { issuer: number; cardNumber: string; aid: Uint8Array; loadCounter: number }): boolean {
  return t.issuer === expect.issuer && t.cardNumber === expect.cardNumber && equal(t.aid, expect.aid) && t.loadCounter === expect.loadCounter + 1;
}
