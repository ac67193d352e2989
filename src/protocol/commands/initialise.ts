/**
 * INITIALISE (patent figs. 12-13, 100/106): personalise a blank card.
 *   data = card number (8, BCD) ‖ issuer u32 ‖ epoch u16 ‖ common key (32)
 *          ‖ issuer Ed25519 public key (32) ‖ PIN length u8 ‖ PIN (ASCII digits)
 *          [‖ PUK length u8 ‖ PUK (8..12 ASCII digits)]   (optional, issue 10)
 * The card-unique key is not in the data: the card makes it (120).
 */
import { command, type CommandApdu } from '../apdu.ts';
import { ByteReader, concat, u16be, u32be } from '../bytes.ts';
import { CARD_NUMBER_BYTES, decodeCardNumber, encodeCardNumber } from '../card-number.ts';
import { KEY_BYTES } from '../backup-format.ts';
import { fail, ok, type Decoded } from '../result.ts';
import { expectEmpty } from './card-error.ts';
import { CLA_PROPRIETARY, INS } from './codes.ts';
import { encodePin, encodePuk, isPinBytes, isPukBytes } from './pin.ts';

export interface InitialiseParams {
  cardNumber: string;
  issuer: number;
  epoch: number;
  commonKey: Uint8Array;
  issuerPublicKey: Uint8Array;
  pin: string;
  /** The issuer-held unblocking code for RESET RETRY COUNTER; without it the PIN cannot be unblocked. */
  puk?: string;
}

export function encodeInitialise(p: InitialiseParams): Uint8Array {
  if (p.commonKey.length !== KEY_BYTES || p.issuerPublicKey.length !== 32) throw new RangeError('INITIALISE: keys must be 32 bytes');
  const pin = encodePin(p.pin);
  const puk = p.puk === undefined ? new Uint8Array(0) : encodePuk(p.puk);
  const pukField = p.puk === undefined ? new Uint8Array(0) : concat(Uint8Array.of(puk.length), puk);
  return concat(encodeCardNumber(p.cardNumber), u32be(p.issuer), u16be(p.epoch), p.commonKey, p.issuerPublicKey, Uint8Array.of(pin.length), pin, pukField);
}

export function decodeInitialise(b: Uint8Array): Decoded<InitialiseParams> {
  const what = 'INITIALISE data';
  const r = new ByteReader(b);
  const cn = r.take(CARD_NUMBER_BYTES);
  const issuer = r.u32();
  const epoch = r.u16();
  const commonKey = r.take(KEY_BYTES);
  const issuerPublicKey = r.take(32);
  const pinLen = r.u8();
  const pin = r.take(pinLen ?? 0);
  if (!cn || issuer === undefined || epoch === undefined || !commonKey || !issuerPublicKey || pinLen === undefined || !pin) return fail(what, 'truncated');
  let puk: Uint8Array | undefined;
  if (r.remaining > 0) {
    const pukLen = r.u8() as number;
    puk = r.take(pukLen);
    if (!puk) return fail(what, 'truncated PUK');
    if (!isPukBytes(puk)) return fail(what, 'PUK must be 8..12 ASCII digits');
  }
  if (r.remaining !== 0) return fail(what, 'trailing bytes', r.offset);
  const card = decodeCardNumber(cn);
  if (!card.ok) return card;
  if (!isPinBytes(pin)) return fail(what, 'PIN must be 4..12 ASCII digits');
  const params: InitialiseParams = { cardNumber: card.value, issuer, epoch, commonKey: commonKey.slice(), issuerPublicKey: issuerPublicKey.slice(), pin: new TextDecoder().decode(pin) };
  return ok(puk ? { ...params, puk: new TextDecoder().decode(puk) } : params);
}

export const initialise = {
  getApdu: (p: InitialiseParams): CommandApdu => command(CLA_PROPRIETARY, INS.INITIALISE, 0x00, 0x00, encodeInitialise(p)),
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'INITIALISE'),
};
