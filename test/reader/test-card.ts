/**
 * A small card for reader tests (not the real simulated card): ECHO, READ LONG with
 * 61xx, WRITE LONG with command chaining, GET DATA that insists on Le (6Cxx).
 */
import { decodeCommand } from '../../src/protocol/apdu.ts';
import { concat } from '../../src/protocol/bytes.ts';
import type { CardLike } from '../../src/protocol/transport.ts';

export const INS = { ECHO: 0xe0, READ: 0xb0, WRITE: 0xd0, GET_DATA: 0xca, GET_RESPONSE: 0xc0 } as const;

/**
 * An ATR: TS, T0 (TA1, TD1), TA1, TD1 (T=0 first when offered), TD2 (T=1, with TA3 IFSC
 * 254, TB3 BWI 4 CWI 5, TC3 EDC), historical bytes with card capabilities (7816-4
 * tag 0x73: chaining, extended length), TCK. T=0-only: TS T0 TA1 historical.
 */
export function atrWith(opts: { t0?: boolean; t1?: boolean; crc?: boolean; extended?: boolean; ta1?: number } = {}): Uint8Array {
  const { t0 = true, t1 = true, crc = false, extended = true, ta1 = 0x96 } = opts;
  const hist = [0x80, 0x73, 0x00, 0x00, extended ? 0xc0 : 0x80];
  if (!t1) return Uint8Array.from([0x3b, 0x10 | hist.length, ta1, ...hist]);
  const body = [0x90 | hist.length, ta1, t0 ? 0x80 : 0x81, 0x71, 0xfe, 0x45, crc ? 0x01 : 0x00, ...hist];
  return Uint8Array.from([0x3b, ...body, body.reduce((x, b) => x ^ b, 0)]);
}

export function pattern(n: number, seed = 0): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + seed) & 0xff;
  return out;
}

export class TestCard implements CardLike {
  apdus: Uint8Array[] = [];
  powered = false;
  private held: Uint8Array | undefined;
  private writing: Uint8Array[] = [];

  constructor(readonly atr: Uint8Array = atrWith()) {}

  powerOn(): Uint8Array {
    this.powered = true;
    this.held = undefined;
    this.writing = [];
    return this.atr.slice();
  }

  powerOff(): void {
    this.powered = false;
  }

  transmit(apdu: Uint8Array): Uint8Array {
    if (!this.powered) throw new Error('card not powered');
    this.apdus.push(apdu.slice());
    const d = decodeCommand(apdu);
    if (!d.ok) return Uint8Array.of(0x67, 0x00);
    const c = d.value;
    const sw = (s: number, data: Uint8Array = new Uint8Array(0)) => concat(data, Uint8Array.of(s >>> 8, s & 0xff));
    if (c.ins !== INS.GET_RESPONSE) this.held = undefined;
    switch (c.ins) {
      case INS.ECHO:
        return this.answer(c.data, c.ne);
      case INS.READ:
        return this.answer(pattern((c.p1 << 8) | c.p2, c.p1), c.ne);
      case INS.GET_RESPONSE:
        return this.held ? this.answer(this.held, c.ne) : sw(0x6985);
      case INS.WRITE: {
        this.writing.push(c.data);
        if (c.cla & 0x10) return sw(0x9000);
        const all = concat(...this.writing);
        this.writing = [];
        let sum = 0;
        for (const b of all) sum = (sum + b) & 0xffff;
        return this.answer(Uint8Array.of(all.length >>> 8, all.length & 0xff, sum >>> 8, sum & 0xff), c.ne);
      }
      case INS.GET_DATA:
        if (c.ne !== 8) return sw(0x6c08);
        return sw(0x9000, pattern(8, 0x55));
      default:
        return sw(0x6d00);
    }
  }

  /** Up to Ne bytes now; the rest after 61xx (ISO/IEC 7816-4 §5.3.4). */
  private answer(data: Uint8Array, ne: number): Uint8Array {
    const n = Math.min(data.length, ne);
    const rest = data.subarray(n);
    this.held = rest.length > 0 ? rest.slice() : undefined;
    const sw = rest.length > 0 ? [0x61, rest.length >= 256 ? 0 : rest.length] : [0x90, 0x00];
    return concat(data.subarray(0, n), Uint8Array.from(sw));
  }
}
