/**
 * Credit application (AID A0000009990202): the account data a payment terminal reads.
 * The card keeps only a masked card number (at most 10 digits visible), so a backup of
 * it never carries a usable PAN.
 *
 *   READ ACCOUNT  80 40 00 00 00            -> TLV of every field, tag order
 *   UPDATE        80 42 tag 00 Lc value     (needs PIN) -> no data
 * TLV: tag u8 || len u8 || value. Field values:
 *   01 holder  ASCII A-Z, space, . ' - /, 2..26 (as embossed)
 *   02 pan     masked card number, 12..19 of [0-9*], ends in 4 digits, <= 10 digits
 *   03 expiry  year u16 || month u8
 *   04 limit   credit limit in yen, u32
 *   05 brand   ASCII printable, 1..16
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { concat, readU16be, readU32be, u16be, u32be } from '../../bytes.ts';
import { fail, ok, type Decoded } from '../../result.ts';
import { APP_CLA, CREDIT_FIELD, INS } from './ids.ts';
import { expectEmpty } from '../card-error.ts';
import { parsePlain } from './reply.ts';
import { decodeAscii } from './text.ts';

export interface CreditAccount {
  holder: string;
  pan: string;
  expiry: { year: number; month: number };
  limit: number;
  brand: string;
}
type Field = keyof CreditAccount;
const FIELDS = Object.keys(CREDIT_FIELD) as Field[];

/** Largest stored value of each field (the card reserves this much). */
export const CREDIT_FIELD_CAPACITY: Record<Field, number> = { holder: 26, pan: 19, expiry: 3, limit: 4, brand: 16 };

const HOLDER = /^[A-Z][A-Z .'/-]{1,25}$/;
const PAN = /^[0-9*]{8,15}[0-9]{4}$/;
const BRAND = /^[\x20-\x7e]{1,16}$/;

/** Check one field's bytes; the card refuses (6A80) what this refuses. */
export function decodeCreditField<F extends Field>(field: F, b: Uint8Array): Decoded<CreditAccount[F]>;
export function decodeCreditField(field: Field, b: Uint8Array): Decoded<CreditAccount[Field]> {
  switch (field) {
    case 'holder':
      return decodeAscii(b, HOLDER, 'card holder');
    case 'pan': {
      const r = decodeAscii(b, PAN, 'masked card number');
      if (r.ok && r.value.replace(/\*/g, '').length > 10) return fail('masked card number', 'more than 10 digits visible');
      return r;
    }
    case 'expiry': {
      if (b.length !== 3) return fail('expiry', `expected 3 bytes, got ${b.length}`);
      const year = readU16be(b, 0);
      const month = b[2] as number;
      if (year < 2000 || year > 2199 || month < 1 || month > 12) return fail('expiry', `not a month: ${year}-${month}`);
      return ok({ year, month });
    }
    case 'limit':
      return b.length === 4 ? ok(readU32be(b, 0)) : fail('credit limit', `expected 4 bytes, got ${b.length}`);
    case 'brand':
      return decodeAscii(b, BRAND, 'brand');
  }
}

export function encodeCreditField<F extends Field>(field: F, v: CreditAccount[F]): Uint8Array;
export function encodeCreditField(field: Field, v: CreditAccount[Field]): Uint8Array {
  let b: Uint8Array;
  if (field === 'expiry' && typeof v === 'object') b = concat(u16be(v.year), Uint8Array.of(v.month));
  else if (field === 'limit' && typeof v === 'number') b = u32be(v);
  else if (typeof v === 'string') b = Uint8Array.from(v, (c) => c.charCodeAt(0));
  else throw new TypeError(`credit ${field}: wrong value type`);
  if (!decodeCreditField(field, b).ok) throw new RangeError(`credit ${field}: invalid value`);
  return b;
}

export function decodeCreditAccount(b: Uint8Array): Decoded<CreditAccount> {
  const out: Partial<Record<Field, unknown>> = {};
  let o = 0;
  for (const field of FIELDS) {
    if (b[o] !== CREDIT_FIELD[field]) return fail('credit account', `expected tag ${CREDIT_FIELD[field]}`, o);
    const len = b[o + 1];
    if (len === undefined || o + 2 + len > b.length) return fail('credit account', 'truncated', o);
    const v = decodeCreditField(field, b.subarray(o + 2, o + 2 + len));
    if (!v.ok) return v;
    out[field] = v.value;
    o += 2 + len;
  }
  if (o !== b.length) return fail('credit account', 'trailing bytes', o);
  return ok(out as CreditAccount);
}

export const creditRead = {
  getApdu: (): CommandApdu => command(APP_CLA, INS.credit.read, 0, 0, undefined, 256),
  parseResponse: (r: Uint8Array): CreditAccount => parsePlain(r, 'credit READ', decodeCreditAccount),
};

export const creditUpdate = {
  getApdu: <F extends Field>(field: F, value: CreditAccount[F]): CommandApdu =>
    command(APP_CLA, INS.credit.update, CREDIT_FIELD[field], 0, encodeCreditField(field, value)),
  parseResponse: (r: Uint8Array): void => expectEmpty(r, 'credit UPDATE'),
};
