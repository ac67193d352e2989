/**
 * ID application (AID A0000009990203): name, date of birth, address and a photo. The
 * photo (about 1 KiB) is larger than a short APDU, so READ and UPDATE address a field
 * by offset and the host moves it in chunks.
 *
 *   READ FIELD    80 50 tag 00 02 offset u16 Le  -> total length u16 || chunk
 *                 chunk = bytes from offset, at most Ne - 2 (all to the end if they fit)
 *   UPDATE FIELD  80 52 tag 00 Lc offset u16 || bytes   (needs PIN)
 *                 writes at offset and sets the field's length to offset + bytes;
 *                 offset must be <= the current length (no holes)
 * Fields: 01 name (UTF-8, 1..64 bytes), 02 birth date (year u16, month, day),
 *         03 address (UTF-8, 1..160 bytes), 04 photo (see photo.ts, 0..1200 bytes).
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { concat, readU16be, u16be } from '../../bytes.ts';
import { fail, ok, type Decoded } from '../../result.ts';
import { APP_CLA, ID_FIELD, INS } from './ids.ts';
import { expectEmpty } from '../card-error.ts';
import { parsePlain } from './reply.ts';
import { decodeCalendarDate, decodeText } from './text.ts';

export type IdField = keyof typeof ID_FIELD;
export const ID_FIELD_CAPACITY: Record<IdField, number> = { name: 64, birth: 4, address: 160, photo: 1200 };
/** Largest chunk a short APDU carries in UPDATE FIELD (255 - 2 offset bytes, rounded). */
export const ID_CHUNK = 240;

/**
 * Check a whole field value (the card checks the value an UPDATE would leave, so a
 * name or birth date is always written whole; only the photo is written in chunks).
 */
export function checkIdField(field: IdField, b: Uint8Array): Decoded<true> {
  const r =
    field === 'name'
      ? decodeText(b, 1, ID_FIELD_CAPACITY.name, 'name')
      : field === 'address'
        ? decodeText(b, 1, ID_FIELD_CAPACITY.address, 'address')
        : field === 'birth'
          ? decodeCalendarDate(b)
          : b.length <= ID_FIELD_CAPACITY.photo
            ? ok(true)
            : fail('photo', `longer than ${ID_FIELD_CAPACITY.photo} bytes`);
  return r.ok ? ok(true) : r;
}

export interface IdChunk {
  total: number;
  chunk: Uint8Array;
}

export function decodeIdChunk(b: Uint8Array): Decoded<IdChunk> {
  if (b.length < 2) return fail('ID chunk', 'missing total length');
  const total = readU16be(b, 0);
  if (b.length - 2 > total) return fail('ID chunk', 'chunk longer than the field');
  return ok({ total, chunk: b.slice(2) });
}

export const idRead = {
  /** `max` = largest chunk wanted (1..254 in a short APDU; more needs extended length). */
  getApdu: (field: IdField, offset: number, max = 254): CommandApdu => {
    if (!Number.isInteger(max) || max < 1 || max > 65534) throw new RangeError(`chunk size out of range: ${max}`);
    return command(APP_CLA, INS.id.read, ID_FIELD[field], 0, u16be(offset), max + 2);
  },
  parseResponse: (r: Uint8Array): IdChunk => parsePlain(r, 'ID READ', decodeIdChunk),
};

export const idUpdate = {
  getApdu: (field: IdField, offset: number, bytes: Uint8Array): CommandApdu =>
    command(APP_CLA, INS.id.update, ID_FIELD[field], 0, concat(u16be(offset), bytes)),
  /** A whole value as UPDATE commands of at most ID_CHUNK bytes each, in order. */
  chunks: (field: IdField, value: Uint8Array, chunk = ID_CHUNK): CommandApdu[] => {
    const out: CommandApdu[] = [];
    for (let o = 0; o === 0 || o < value.length; o += chunk) out.push(idUpdate.getApdu(field, o, value.subarray(o, o + chunk)));
    return out;
  },
  parseResponse: (r: Uint8Array): void => expectEmpty(r, 'ID UPDATE'),
};
