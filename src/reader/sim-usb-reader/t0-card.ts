/**
 * The card side of T=0 at TPDU level (ISO/IEC 7816-3 §10.3, ISO/IEC 7816-4 §5.3.4),
 * around an APDU-level card: case 4 commands arrive as case 3 and the answer waits for
 * GET RESPONSE behind 61xx; a wrong Le is answered 6Cxx with the right one. The reader
 * exchanges the procedure bytes with the card, so what leaves it is data + SW1 SW2.
 */
import type { CardLike } from '../../protocol/transport.ts';

const GET_RESPONSE = 0xc0;

export class T0CardLayer {
  private held: Uint8Array | undefined; // response data waiting for GET RESPONSE
  private heldSw = 0x9000;
  /** The answer behind a 6Cxx, kept so the re-issued command is not executed twice. */
  private corrected: { header: string; response: Uint8Array } | undefined;

  constructor(private readonly card: CardLike) {}

  reset(): void {
    this.held = undefined;
    this.corrected = undefined;
  }

  /** A header the card itself asked for: GET RESPONSE behind 61xx, or the Le it gave with 6Cxx. */
  expectsAsOutgoing(header: Uint8Array): boolean {
    const [cla, ins, p1, p2, p3] = header as unknown as [number, number, number, number, number];
    if (ins === GET_RESPONSE && this.held) return true;
    return this.corrected?.header === `${cla},${ins},${p1},${p2},${p3}`;
  }

  transmit(tpdu: Uint8Array): Uint8Array {
    if (tpdu.length < 5) return Uint8Array.of(0x67, 0x00); // a TPDU header is always 5 bytes (§10.3.2)
    const [cla, ins, p1, p2, p3] = tpdu as unknown as [number, number, number, number, number];
    if (ins === GET_RESPONSE && this.held) return this.serve(p3 === 0 ? 256 : p3);
    this.held = undefined;
    const header = `${cla},${ins},${p1},${p2},${p3}`;
    const corrected = this.corrected;
    this.corrected = undefined;
    if (corrected && corrected.header === header && tpdu.length === 5) return corrected.response;
    const body = tpdu.subarray(5);
    if (body.length > 0) {
      if (body.length !== p3) return Uint8Array.of(0x67, 0x00);
      const r = this.card.transmit(Uint8Array.from([cla, ins, p1, p2, p3, ...body, 0x00]));
      const data = r.subarray(0, r.length - 2);
      if (data.length === 0) return r; // case 3: status only
      this.hold(r);
      return this.pending();
    }
    // Case 1 or 2: P3 = Le (00 = 256). The card sends exactly Le bytes or corrects Le.
    const ne = p3 === 0 ? 256 : p3;
    const r = this.card.transmit(Uint8Array.from([cla, ins, p1, p2, p3]));
    const data = r.subarray(0, r.length - 2);
    if (data.length === 0 || data.length === ne) return r;
    if (data.length < ne) {
      this.corrected = { header: `${cla},${ins},${p1},${p2},${data.length}`, response: r };
      return Uint8Array.of(0x6c, data.length);
    }
    this.hold(r);
    return this.serve(ne);
  }

  private hold(r: Uint8Array): void {
    this.held = r.slice(0, r.length - 2);
    this.heldSw = ((r[r.length - 2] as number) << 8) | (r[r.length - 1] as number);
  }

  private pending(): Uint8Array {
    const n = (this.held as Uint8Array).length;
    return Uint8Array.of(0x61, n >= 256 ? 0 : n);
  }

  private serve(ne: number): Uint8Array {
    const held = this.held as Uint8Array;
    const part = held.subarray(0, ne);
    const rest = held.subarray(ne);
    this.held = rest.length > 0 ? rest.slice() : undefined;
    const sw = this.held ? [0x61, rest.length >= 256 ? 0 : rest.length] : [this.heldSw >>> 8, this.heldSw & 0xff];
    return Uint8Array.from([...part, ...sw]);
  }
}
