/**
 * Spend receipt (docs/trust.md): every spend answers one, signed by the CARD key, for the
 * terminal to hand to the issuer's ledger. The terminal's challenge makes it fresh for that
 * terminal; the spend counter makes every spend's receipt distinct.
 *
 *   'ICVR' 02 card number (8), aidLength u8, AID (5-16), amount u32, spendCounter u32,
 *             balanceAfter u32, challengeLength u8, challenge (0-32), signature by CARD (64)
 */
import { concat, u32be } from '../bytes.ts';
import { CARD_NUMBER_BYTES, decodeCardNumber, encodeCardNumber } from '../card-number.ts';
import { fail, type Decoded } from '../result.ts';
import { ascii4, copy, finish, openBody, prefix, SIGNATURE_BYTES, verifySignature } from './codec.ts';
import { AID_MAX_BYTES, AID_MIN_BYTES, checkAid } from './load-token.ts';

const MAGIC = ascii4('ICVR');
export const CHALLENGE_MAX_BYTES = 32;

export interface ReceiptBody {
  cardNumber: string;
  aid: Uint8Array;
  amount: number;
  spendCounter: number;
  balanceAfter: number;
  challenge: Uint8Array;
}
export interface Receipt extends ReceiptBody {
  signature: Uint8Array;
}

/** The exact bytes the card signs. */
export function receiptMessage(t: ReceiptBody): Uint8Array {
  checkAid('receipt', t.aid);
  if (t.challenge.length > CHALLENGE_MAX_BYTES) throw new RangeError(`receipt: challenge over ${CHALLENGE_MAX_BYTES} bytes`);
  return concat(prefix(MAGIC), encodeCardNumber(t.cardNumber), Uint8Array.of(t.aid.length), t.aid, u32be(t.amount), u32be(t.spendCounter), u32be(t.balanceAfter), Uint8Array.of(t.challenge.length), t.challenge);
}

export const encodeReceipt = (t: Receipt): Uint8Array => concat(receiptMessage(t), t.signature);

export function decodeReceipt(b: Uint8Array): Decoded<Receipt> {
  const what = 'receipt';
  const o = openBody(b, MAGIC, what);
  if (!o.ok) return o;
  const r = o.value;
  const cn = r.take(CARD_NUMBER_BYTES);
  const aidLength = r.u8();
  if (!cn || aidLength === undefined) return fail(what, 'truncated', r.offset);
  if (aidLength < AID_MIN_BYTES || aidLength > AID_MAX_BYTES) return fail(what, `AID length ${aidLength} outside ${AID_MIN_BYTES}-${AID_MAX_BYTES}`, r.offset - 1);
  const aid = r.take(aidLength);
  const amount = r.u32();
  const spendCounter = r.u32();
  const balanceAfter = r.u32();
  const challengeLength = r.u8();
  if (!aid || amount === undefined || spendCounter === undefined || balanceAfter === undefined || challengeLength === undefined) return fail(what, 'truncated', r.offset);
  if (challengeLength > CHALLENGE_MAX_BYTES) return fail(what, `challenge length ${challengeLength} over ${CHALLENGE_MAX_BYTES}`, r.offset - 1);
  const challenge = r.take(challengeLength);
  const signature = r.take(SIGNATURE_BYTES);
  if (!challenge || !signature) return fail(what, 'truncated', r.offset);
  const card = decodeCardNumber(cn);
  if (!card.ok) return fail(what, card.error.message, 5);
  return finish(r, what, { cardNumber: card.value, aid: copy(aid), amount, spendCounter, balanceAfter, challenge: copy(challenge), signature: copy(signature) });
}

/** The card's signature (its certified Ed25519 key). Never throws. */
export function verifyReceipt(cardSigningPublicKey: Uint8Array, t: Receipt): boolean {
  try {
    return verifySignature(cardSigningPublicKey, receiptMessage(t), t.signature);
  } catch {
    return false;
  }
}
