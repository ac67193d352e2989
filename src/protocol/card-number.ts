/**
 * Card numbers (patent 051/060/070): 16 decimal digits, carried as 8 bytes of packed
 * BCD, the way payment and ID cards carry their PAN-like numbers.
 */
import { fail, ok, type Decoded } from './result.ts';

export const CARD_NUMBER_BYTES = 8;

export function encodeCardNumber(digits: string): Uint8Array {
  if (!/^\d{16}$/.test(digits)) throw new TypeError(`card number must be 16 decimal digits, got "${digits}"`);
  const out = new Uint8Array(CARD_NUMBER_BYTES);
  for (let i = 0; i < 8; i++) out[i] = (Number(digits[2 * i]) << 4) | Number(digits[2 * i + 1]);
  return out;
}

export function decodeCardNumber(b: Uint8Array): Decoded<string> {
  if (b.length !== CARD_NUMBER_BYTES) return fail('card number', `expected 8 bytes, got ${b.length}`);
  let s = '';
  for (let i = 0; i < 8; i++) {
    const v = b[i] as number;
    const hi = v >> 4;
    const lo = v & 0x0f;
    if (hi > 9 || lo > 9) return fail('card number', `byte ${i} is not packed BCD`, i);
    s += `${hi}${lo}`;
  }
  return ok(s);
}

/** "1234 5678 9012 3456" for people. */
export const formatCardNumber = (digits: string) => digits.replace(/(\d{4})(?=\d)/g, '$1 ');
