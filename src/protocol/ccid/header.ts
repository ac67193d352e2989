/**
 * The 10-byte header every CCID bulk message starts with (CCID rev 1.1 §6.1, §6.2):
 *   0 bMessageType  1-4 dwLength (little endian, length of abData)  5 bSlot  6 bSeq
 *   7-9 three message-specific bytes
 */
import { readU32le } from '../bytes.ts';
import { fail, ok, type Decoded } from '../result.ts';
import { CCID_HEADER_LENGTH } from './constants.ts';

export interface CcidFrame {
  type: number;
  slot: number;
  seq: number;
  /** The three message-specific bytes at offsets 7, 8, 9. */
  specific: readonly [number, number, number];
  data: Uint8Array;
}

function checkByte(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`CCID ${name} out of range: ${v}`);
}

export function encodeFrame(f: CcidFrame): Uint8Array {
  checkByte('bMessageType', f.type);
  checkByte('bSlot', f.slot);
  checkByte('bSeq', f.seq);
  f.specific.forEach((b, i) => checkByte(`specific byte ${7 + i}`, b));
  const n = f.data.length;
  const out = new Uint8Array(CCID_HEADER_LENGTH + n);
  out[0] = f.type;
  out[1] = n & 0xff;
  out[2] = (n >>> 8) & 0xff;
  out[3] = (n >>> 16) & 0xff;
  out[4] = (n >>> 24) & 0xff;
  out[5] = f.slot;
  out[6] = f.seq;
  out.set(f.specific, 7);
  out.set(f.data, CCID_HEADER_LENGTH);
  return out;
}

/**
 * Split bytes into header and data. dwLength must match the bytes that follow exactly:
 * a bulk transfer carries one message (§5.2.4; a short packet ends it).
 */
export function decodeFrame(b: Uint8Array, what = 'CCID message'): Decoded<CcidFrame> {
  if (b.length < CCID_HEADER_LENGTH) return fail(what, `too short: ${b.length} bytes, the header alone is 10`);
  const n = readU32le(b, 1);
  if (n !== b.length - CCID_HEADER_LENGTH) {
    return fail(what, `dwLength says ${n} data bytes but ${b.length - CCID_HEADER_LENGTH} follow the header`, 1);
  }
  return ok({
    type: b[0] as number,
    slot: b[5] as number,
    seq: b[6] as number,
    specific: [b[7] as number, b[8] as number, b[9] as number],
    data: b.slice(CCID_HEADER_LENGTH),
  });
}
