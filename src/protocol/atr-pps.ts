/**
 * Protocol and Parameters Selection (ISO/IEC 7816-3 §9): PPSS=FF, PPS0 (bit 5: PPS1
 * present, low nibble: T), PPS1 = Fi/Di indices, PCK so that the XOR of all bytes is 0.
 * A card that accepts echoes the request (§9.3).
 */
import { fail, ok, type Decoded } from './result.ts';

export interface PpsRequest {
  protocol: number;
  /** TA1-style Fi/Di byte; undefined keeps the defaults (PPS1 absent). */
  fiDi: number | undefined;
}

export function encodePps(r: PpsRequest): Uint8Array {
  if (!Number.isInteger(r.protocol) || r.protocol < 0 || r.protocol > 14) throw new RangeError(`PPS protocol out of range: ${r.protocol}`);
  const bytes = r.fiDi === undefined ? [0xff, r.protocol] : [0xff, 0x10 | r.protocol, r.fiDi];
  return Uint8Array.from([...bytes, bytes.reduce((x, v) => x ^ v, 0)]);
}

export function decodePps(b: Uint8Array): Decoded<PpsRequest> {
  const what = 'PPS';
  if (b.length < 3) return fail(what, `too short: ${b.length} bytes`);
  if (b[0] !== 0xff) return fail(what, 'PPSS is not FF', 0);
  const pps0 = b[1] as number;
  // PPS1, PPS2, PPS3 present by bits 5, 6, 7 of PPS0
  const n = 3 + ((pps0 >>> 4) & 1) + ((pps0 >>> 5) & 1) + ((pps0 >>> 6) & 1);
  if (b.length !== n) return fail(what, `PPS0 announces ${n} bytes, got ${b.length}`, 1);
  if (b.reduce((x, v) => x ^ v, 0) !== 0) return fail(what, 'PCK does not check', n - 1);
  return ok({ protocol: pps0 & 0x0f, fiDi: pps0 & 0x10 ? b[2] : undefined });
}
