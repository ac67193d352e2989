/** VERIFY, CHANGE REFERENCE DATA and RESET RETRY COUNTER for the cardholder PIN (ISO 7816-4 §11.5.6, §11.5.7, §11.5.10). */
import { command, type CommandApdu } from '../apdu.ts';
import { SW } from '../status-words.ts';
import { checkSw, expectEmpty } from './card-error.ts';
import { CLA_ISO, INS, PIN_REFERENCE } from './codes.ts';

export const PIN_MIN = 4;
export const PIN_MAX = 12;
export const PIN_TRIES = 3;
/** The PUK (issuer-held unblocking code): 8..12 ASCII digits, its own tries. */
export const PUK_MIN = 8;
export const PUK_MAX = 12;
export const PUK_TRIES = 10;

/** A PIN is 4..12 ASCII digits on the wire. */
export function encodePin(pin: string): Uint8Array {
  if (!/^\d+$/.test(pin) || pin.length < PIN_MIN || pin.length > PIN_MAX) throw new TypeError(`PIN must be ${PIN_MIN}..${PIN_MAX} digits`);
  return new TextEncoder().encode(pin);
}

/** A PUK is 8..12 ASCII digits on the wire. */
export function encodePuk(puk: string): Uint8Array {
  if (!/^\d+$/.test(puk) || puk.length < PUK_MIN || puk.length > PUK_MAX) throw new TypeError(`PUK must be ${PUK_MIN}..${PUK_MAX} digits`);
  return new TextEncoder().encode(puk);
}

/** True when bytes are a well-formed PUK (card side). */
export const isPukBytes = (b: Uint8Array) => b.length >= PUK_MIN && b.length <= PUK_MAX && b.every((v) => v >= 0x30 && v <= 0x39);

/** True when bytes are a well-formed PIN (card side). */
export const isPinBytes = (b: Uint8Array) => b.length >= PIN_MIN && b.length <= PIN_MAX && b.every((v) => v >= 0x30 && v <= 0x39);

export const verifyPin = {
  getApdu: (pin: string): CommandApdu => command(CLA_ISO, INS.VERIFY, 0x00, PIN_REFERENCE, encodePin(pin)),
  /** Throws CardError WRONG_PIN (with triesLeft) or PIN_BLOCKED. */
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'VERIFY'),
};

export interface PinState {
  verified: boolean;
  triesLeft: number;
  blocked: boolean;
}

/** VERIFY with no data: asks the state without spending a try. */
export const pinState = {
  getApdu: (): CommandApdu => command(CLA_ISO, INS.VERIFY, 0x00, PIN_REFERENCE),
  parseResponse(response: Uint8Array): PinState {
    const accept = [SW.OK, SW.AUTH_METHOD_BLOCKED, ...Array.from({ length: 16 }, (_, i) => 0x63c0 | i)];
    const { sw } = checkSw(response, 'VERIFY (state)', accept);
    if (sw === SW.OK) return { verified: true, triesLeft: -1, blocked: false };
    if (sw === SW.AUTH_METHOD_BLOCKED) return { verified: false, triesLeft: 0, blocked: true };
    return { verified: false, triesLeft: sw & 0x0f, blocked: false };
  },
};

export const changePin = {
  /** Data = old PIN ‖ new PIN; the card splits at the length of the PIN it holds. */
  getApdu(oldPin: string, newPin: string): CommandApdu {
    const o = encodePin(oldPin);
    const n = encodePin(newPin);
    const data = new Uint8Array(o.length + n.length);
    data.set(o);
    data.set(n, o.length);
    return command(CLA_ISO, INS.CHANGE_REFERENCE_DATA, 0x00, PIN_REFERENCE, data);
  },
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'CHANGE REFERENCE DATA'),
};

/**
 * RESET RETRY COUNTER `00 2C 00 81`, data = PUK ‖ new PIN (ISO 7816-4 §11.5.10, P1 00:
 * resetting code and new reference data). The card splits at the length of the PUK it
 * holds; it unblocks a blocked PIN and sets the new one, spending the PUK's own tries.
 */
export const resetRetryCounter = {
  getApdu(puk: string, newPin: string): CommandApdu {
    const k = encodePuk(puk);
    const n = encodePin(newPin);
    const data = new Uint8Array(k.length + n.length);
    data.set(k);
    data.set(n, k.length);
    return command(CLA_ISO, INS.RESET_RETRY_COUNTER, 0x00, PIN_REFERENCE, data);
  },
  /** Throws CardError (63Cx: PUK tries left; 6983: PUK blocked). */
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'RESET RETRY COUNTER'),
};
