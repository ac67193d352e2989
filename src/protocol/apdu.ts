/**
 * ISO/IEC 7816-4 command and response APDUs, short and extended (§5.1).
 *
 *   case 1   CLA INS P1 P2
 *   case 2S  ... Le            (Le 00 = 256)
 *   case 3S  ... Lc data       (Lc 1..255)
 *   case 4S  ... Lc data Le
 *   case 2E  ... 00 Le1 Le2    (Le 0000 = 65536)
 *   case 3E  ... 00 Lc1 Lc2 data
 *   case 4E  ... 00 Lc1 Lc2 data Le1 Le2
 */
import { fail, ok, type Decoded } from './result.ts';

export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  /** Command data field (Nc = data.length; 0..65535). */
  data: Uint8Array;
  /** Ne: maximum response data expected; 0 = no response data expected. 1..65536. */
  ne: number;
}

export interface ResponseApdu {
  data: Uint8Array;
  /** SW1 SW2 as one number, e.g. 0x9000. */
  sw: number;
}

export const SHORT_MAX_NC = 255;
export const SHORT_MAX_NE = 256;
export const EXTENDED_MAX_NC = 65535;
export const EXTENDED_MAX_NE = 65536;

export function command(cla: number, ins: number, p1: number, p2: number, data: Uint8Array = new Uint8Array(0), ne = 0): CommandApdu {
  return { cla, ins, p1, p2, data, ne };
}

/** True when the command cannot be written as a short APDU. */
export function needsExtended(c: CommandApdu): boolean {
  return c.data.length > SHORT_MAX_NC || c.ne > SHORT_MAX_NE;
}

/**
 * Encode a command. Short form when it fits, extended otherwise (or when forced).
 * Throws RangeError for values no APDU can carry.
 */
export function encodeCommand(c: CommandApdu, form: 'auto' | 'extended' = 'auto'): Uint8Array {
  for (const [k, v] of [['cla', c.cla], ['ins', c.ins], ['p1', c.p1], ['p2', c.p2]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 0xff) throw new RangeError(`APDU ${k} out of range: ${v}`);
  }
  const nc = c.data.length;
  if (nc > EXTENDED_MAX_NC) throw new RangeError(`APDU data too long: ${nc} > ${EXTENDED_MAX_NC}`);
  if (!Number.isInteger(c.ne) || c.ne < 0 || c.ne > EXTENDED_MAX_NE) throw new RangeError(`APDU Ne out of range: ${c.ne}`);
  const extended = form === 'extended' ? nc > 0 || c.ne > 0 : needsExtended(c);
  const head = [c.cla, c.ins, c.p1, c.p2];
  if (!extended) {
    const out = new Uint8Array(4 + (nc > 0 ? 1 + nc : 0) + (c.ne > 0 ? 1 : 0));
    out.set(head);
    let o = 4;
    if (nc > 0) {
      out[o++] = nc;
      out.set(c.data, o);
      o += nc;
    }
    if (c.ne > 0) out[o] = c.ne === 256 ? 0 : c.ne;
    return out;
  }
  const out = new Uint8Array(4 + 1 + (nc > 0 ? 2 + nc : 0) + (c.ne > 0 ? 2 : 0));
  out.set(head);
  out[4] = 0;
  let o = 5;
  if (nc > 0) {
    out[o++] = nc >>> 8;
    out[o++] = nc & 0xff;
    out.set(c.data, o);
    o += nc;
  }
  if (c.ne > 0) {
    const le = c.ne === 65536 ? 0 : c.ne;
    out[o++] = le >>> 8;
    out[o] = le & 0xff;
  }
  return out;
}

export interface DecodedCommand extends CommandApdu {
  extended: boolean;
}

/** Decode a command APDU; any malformed length coding is a typed error (card answers 6700). */
export function decodeCommand(b: Uint8Array): Decoded<DecodedCommand> {
  const what = 'command APDU';
  if (b.length < 4) return fail(what, `too short: ${b.length} bytes, need at least 4`);
  const [cla, ins, p1, p2] = [b[0] as number, b[1] as number, b[2] as number, b[3] as number];
  const base = { cla, ins, p1, p2 };
  const n = b.length;
  if (n === 4) return ok({ ...base, data: new Uint8Array(0), ne: 0, extended: false });
  const b4 = b[4] as number;
  if (n === 5) return ok({ ...base, data: new Uint8Array(0), ne: b4 === 0 ? 256 : b4, extended: false });
  if (b4 !== 0) {
    // short case 3 or 4
    const nc = b4;
    if (n === 5 + nc) return ok({ ...base, data: b.slice(5), ne: 0, extended: false });
    if (n === 6 + nc) {
      const le = b[n - 1] as number;
      return ok({ ...base, data: b.slice(5, 5 + nc), ne: le === 0 ? 256 : le, extended: false });
    }
    return fail(what, `Lc=${nc} does not match ${n - 5} bytes after the header`, 4);
  }
  // extended: 00 then two length bytes
  if (n === 7) {
    const le = ((b[5] as number) << 8) | (b[6] as number);
    return ok({ ...base, data: new Uint8Array(0), ne: le === 0 ? 65536 : le, extended: true });
  }
  if (n < 7) return fail(what, `extended length field truncated (${n} bytes)`, 5);
  const nc = ((b[5] as number) << 8) | (b[6] as number);
  if (nc === 0) return fail(what, 'extended Lc of 0 with trailing bytes', 5);
  if (n === 7 + nc) return ok({ ...base, data: b.slice(7), ne: 0, extended: true });
  if (n === 9 + nc) {
    const le = ((b[n - 2] as number) << 8) | (b[n - 1] as number);
    return ok({ ...base, data: b.slice(7, 7 + nc), ne: le === 0 ? 65536 : le, extended: true });
  }
  return fail(what, `extended Lc=${nc} does not match ${n - 7} bytes after the header`, 5);
}

export function encodeResponse(r: ResponseApdu): Uint8Array {
  const out = new Uint8Array(r.data.length + 2);
  out.set(r.data);
  out[r.data.length] = r.sw >>> 8;
  out[r.data.length + 1] = r.sw & 0xff;
  return out;
}

export function decodeResponse(b: Uint8Array): Decoded<ResponseApdu> {
  if (b.length < 2) return fail('response APDU', `too short: ${b.length} bytes, need SW1 SW2`);
  const n = b.length;
  return ok({ data: b.slice(0, n - 2), sw: ((b[n - 2] as number) << 8) | (b[n - 1] as number) });
}
