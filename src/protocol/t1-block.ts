/**
 * T=1 blocks (ISO/IEC 7816-3 §11.3): prologue NAD PCB LEN, information field (0..254
 * bytes), epilogue EDC (1-byte LRC or 2-byte CRC, §11.3.4).
 *
 *   I-block PCB 0 N(S) M 00000         (§11.3.2.2)
 *   R-block PCB 1 0 0 N(R) 00ee        ee: 0 ok, 1 EDC/parity error, 2 other error
 *   S-block PCB 1 1 r 000tt            r: response; tt: 0 RESYNCH, 1 IFS, 2 ABORT, 3 WTX
 */
import { fail, ok, type Decoded } from './result.ts';

export type Edc = 'lrc' | 'crc';
export type SType = 'RESYNCH' | 'IFS' | 'ABORT' | 'WTX';
const S_TYPES: readonly SType[] = ['RESYNCH', 'IFS', 'ABORT', 'WTX'];

export type T1Block =
  | { kind: 'I'; nad: number; ns: 0 | 1; more: boolean; inf: Uint8Array }
  | { kind: 'R'; nad: number; nr: 0 | 1; error: 0 | 1 | 2 }
  | { kind: 'S'; nad: number; response: boolean; type: SType; inf: Uint8Array };

export const T1_MAX_INF = 254;

/** LRC: XOR of all bytes (§11.3.4.1). */
export function lrc(b: Uint8Array): number {
  let x = 0;
  for (const v of b) x ^= v;
  return x;
}

/**
 * CRC (§11.3.4.2, ISO/IEC 13239): reflected CCITT polynomial, preset FFFF, sent high
 * byte first, as libccid's checksum.c computes it.
 */
export function crc16(b: Uint8Array): number {
  let crc = 0xffff;
  for (const v of b) {
    crc ^= v;
    for (let i = 0; i < 8; i++) crc = crc & 1 ? (crc >>> 1) ^ 0x8408 : crc >>> 1;
  }
  return crc;
}

function pcbOf(block: T1Block): number {
  switch (block.kind) {
    case 'I':
      return (block.ns << 6) | (block.more ? 0x20 : 0);
    case 'R':
      return 0x80 | (block.nr << 4) | block.error;
    case 'S':
      return 0xc0 | (block.response ? 0x20 : 0) | S_TYPES.indexOf(block.type);
  }
}

export function encodeT1Block(block: T1Block, edc: Edc): Uint8Array {
  const inf = block.kind === 'R' ? new Uint8Array(0) : block.inf;
  if (inf.length > T1_MAX_INF) throw new RangeError(`T=1 INF too long: ${inf.length} > 254`);
  const body = new Uint8Array(3 + inf.length);
  body[0] = block.nad;
  body[1] = pcbOf(block);
  body[2] = inf.length;
  body.set(inf, 3);
  const out = new Uint8Array(body.length + (edc === 'lrc' ? 1 : 2));
  out.set(body);
  if (edc === 'lrc') out[body.length] = lrc(body);
  else {
    const c = crc16(body);
    out[body.length] = c >>> 8;
    out[body.length + 1] = c & 0xff;
  }
  return out;
}

/** True when the block's length and EDC are right (a receiver answers R(error 1) otherwise). */
export function edcOk(b: Uint8Array, edc: Edc): boolean {
  const e = edc === 'lrc' ? 1 : 2;
  if (b.length < 3 + e || b.length !== 3 + (b[2] as number) + e) return false;
  const body = b.subarray(0, b.length - e);
  if (edc === 'lrc') return lrc(body) === b[b.length - 1];
  const c = crc16(body);
  return c >>> 8 === b[b.length - 2] && (c & 0xff) === b[b.length - 1];
}

export function decodeT1Block(b: Uint8Array, edc: Edc): Decoded<T1Block> {
  const what = 'T=1 block';
  const e = edc === 'lrc' ? 1 : 2;
  if (b.length < 3 + e) return fail(what, `too short: ${b.length} bytes`);
  const len = b[2] as number;
  if (len === 0xff) return fail(what, 'LEN 0xFF is reserved', 2);
  if (b.length !== 3 + len + e) return fail(what, `LEN ${len} does not match ${b.length - 3 - e} INF bytes`, 2);
  if (!edcOk(b, edc)) return fail(what, `${edc.toUpperCase()} does not check`, b.length - e);
  const nad = b[0] as number;
  const pcb = b[1] as number;
  const inf = b.slice(3, 3 + len);
  if ((pcb & 0x80) === 0) {
    if (pcb & 0x1f) return fail(what, `I-block PCB 0x${pcb.toString(16)} has reserved bits set`, 1);
    return ok({ kind: 'I', nad, ns: ((pcb >>> 6) & 1) as 0 | 1, more: (pcb & 0x20) !== 0, inf });
  }
  if ((pcb & 0x40) === 0) {
    const error = pcb & 0x0f;
    if ((pcb & 0x20) || error > 2) return fail(what, `R-block PCB 0x${pcb.toString(16)} is not valid`, 1);
    if (len !== 0) return fail(what, 'R-block with an information field', 2);
    return ok({ kind: 'R', nad, nr: ((pcb >>> 4) & 1) as 0 | 1, error: error as 0 | 1 | 2 });
  }
  const t = pcb & 0x1f;
  if (t > 3) return fail(what, `S-block PCB 0x${pcb.toString(16)} is not valid`, 1);
  const type = S_TYPES[t] as SType;
  // IFS and WTX carry one byte; RESYNCH and ABORT none (§11.3.2.4)
  const want = type === 'IFS' || type === 'WTX' ? 1 : 0;
  if (len !== want) return fail(what, `S(${type}) needs ${want} INF bytes, got ${len}`, 2);
  return ok({ kind: 'S', nad, response: (pcb & 0x20) !== 0, type, inf });
}
