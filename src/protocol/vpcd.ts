/**
 * The vpcd <-> vpicc socket protocol of vsmartcard (frankmorgner/vsmartcard,
 * virtualsmartcard/doc/api.rst and src/vpcd/vpcd.c): every message, in both
 * directions, is a 2-byte big-endian length followed by that many payload bytes.
 *
 *   vpcd -> card   00 01 00          power off        (no answer)
 *   vpcd -> card   00 01 01          power on         (no answer)
 *   vpcd -> card   00 01 02          reset            (no answer)
 *   vpcd -> card   00 01 04          get ATR          answer: len ATR
 *   vpcd -> card   len APDU          command APDU     answer: len R-APDU
 *
 * A 1-byte payload is always a control; anything longer is a command APDU. vpcd also
 * uses "get ATR" as its presence check. Pure code: bytes in, values out, no I/O.
 */
import { fail, ok, type Decoded } from './result.ts';

export const VPCD_DEFAULT_PORT = 35963; // 0x8C7B, Debian's /etc/reader.conf.d/vpcd
export const VPCD_MAX_PAYLOAD = 0xffff;

export const VPCD_CTRL = { off: 0x00, on: 0x01, reset: 0x02, atr: 0x04 } as const;
export type VpcdControl = keyof typeof VPCD_CTRL;

export type VpcdMessage =
  | { kind: 'control'; control: VpcdControl }
  | { kind: 'apdu'; apdu: Uint8Array };

/** Frame one payload: 2-byte big-endian length ‖ payload. */
export function encodeVpcdFrame(payload: Uint8Array): Uint8Array {
  if (payload.length > VPCD_MAX_PAYLOAD) throw new RangeError(`vpcd payload too long: ${payload.length} > ${VPCD_MAX_PAYLOAD}`);
  const out = new Uint8Array(2 + payload.length);
  out[0] = payload.length >> 8;
  out[1] = payload.length & 0xff;
  out.set(payload, 2);
  return out;
}

/** The frame vpcd itself sends for a control (used by tests standing in for vpcd). */
export function encodeVpcdControl(control: VpcdControl): Uint8Array {
  return encodeVpcdFrame(Uint8Array.of(VPCD_CTRL[control]));
}

/** What one payload from vpcd means. An unknown 1-byte control or an empty payload is an error. */
export function decodeVpcdMessage(payload: Uint8Array): Decoded<VpcdMessage> {
  if (payload.length === 0) return fail('vpcd message', 'empty payload');
  if (payload.length === 1) {
    const b = payload[0];
    for (const [name, code] of Object.entries(VPCD_CTRL) as Array<[VpcdControl, number]>) {
      if (code === b) return ok({ kind: 'control', control: name });
    }
    return fail('vpcd message', `unknown control 0x${(b ?? 0).toString(16).padStart(2, '0')}`, 0);
  }
  return ok({ kind: 'apdu', apdu: payload.slice() });
}

/**
 * Reassembles frames from a byte stream cut anywhere (TCP). push() returns every
 * payload completed by the chunk, in order; `pending` is how many bytes wait for more.
 */
export class VpcdFrameReader {
  private buf = new Uint8Array(0);

  push(chunk: Uint8Array): Uint8Array[] {
    const joined = new Uint8Array(this.buf.length + chunk.length);
    joined.set(this.buf);
    joined.set(chunk, this.buf.length);
    const out: Uint8Array[] = [];
    let at = 0;
    while (joined.length - at >= 2) {
      const len = ((joined[at] ?? 0) << 8) | (joined[at + 1] ?? 0);
      if (joined.length - at - 2 < len) break;
      out.push(joined.slice(at + 2, at + 2 + len));
      at += 2 + len;
    }
    this.buf = joined.slice(at);
    return out;
  }

  get pending(): number {
    return this.buf.length;
  }
}
