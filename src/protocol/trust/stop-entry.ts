/**
 * Stop-list entry (the issuer's list of lost cards, fig. 21's service): signed by the
 * epoch key so a terminal can refuse a stopped card offline.
 *
 *   'ICVX' 02 issuer u32, epoch u16, entry number u32, card number (8), at u64 (ms since
 *             1970), signature by EPOCH key (64)                             = 95 bytes
 */
import { concat, u16be, u32be, u64be } from '../bytes.ts';
import { CARD_NUMBER_BYTES, decodeCardNumber, encodeCardNumber } from '../card-number.ts';
import { fail, type Decoded } from '../result.ts';
import { ascii4, copy, finish, openBody, prefix, SIGNATURE_BYTES, verifySignature } from './codec.ts';

const MAGIC = ascii4('ICVX');

export interface StopEntryBody {
  issuer: number;
  epoch: number;
  number: number;
  cardNumber: string;
  at: number;
}
export interface StopEntry extends StopEntryBody {
  signature: Uint8Array;
}

export const stopEntryMessage = (e: StopEntryBody): Uint8Array => concat(prefix(MAGIC), u32be(e.issuer), u16be(e.epoch), u32be(e.number), encodeCardNumber(e.cardNumber), u64be(e.at));
export const encodeStopEntry = (e: StopEntry): Uint8Array => concat(stopEntryMessage(e), e.signature);

export function decodeStopEntry(b: Uint8Array): Decoded<StopEntry> {
  const what = 'stop-list entry';
  const o = openBody(b, MAGIC, what);
  if (!o.ok) return o;
  const r = o.value;
  const issuer = r.u32();
  const epoch = r.u16();
  const number = r.u32();
  const cn = r.take(CARD_NUMBER_BYTES);
  const at = r.u64();
  const signature = r.take(SIGNATURE_BYTES);
  if (issuer === undefined || epoch === undefined || number === undefined || !cn || at === undefined || !signature) return fail(what, 'truncated', r.offset);
  if (!Number.isSafeInteger(at)) return fail(what, 'date beyond 2^53 ms', r.offset - 72);
  const card = decodeCardNumber(cn);
  if (!card.ok) return fail(what, card.error.message, 15);
  return finish(r, what, { issuer, epoch, number, cardNumber: card.value, at, signature: copy(signature) });
}

export function verifyStopEntry(epochSigningPublicKey: Uint8Array, e: StopEntry): boolean {
  try {
    return verifySignature(epochSigningPublicKey, stopEntryMessage(e), e.signature);
  } catch {
    return false;
  }
}
