/**
 * The card side of T=0 character by character (ISO/IEC 7816-3 §10.3), for a reader at
 * character level: the reader gives the card the bytes the host sent and reads back
 * what the card sends. The card takes the 5-byte header, then answers with procedure
 * bytes: NULL (0x60, "wait"), INS ("send / take all the rest"), ~INS ("one byte"),
 * or SW1 SW2. What it executes is the TPDU, through the same T0CardLayer as at TPDU
 * level (61xx behind a case 4, 6Cxx for a wrong Le).
 *
 * Like a real card, it must know from the header alone whether P3 counts bytes it will
 * receive (case 3) or send (case 2): P3 = 00 is never incoming; GET RESPONSE after
 * 61xx and the header it asked for with 6Cxx are outgoing; otherwise its instruction
 * table decides (t0-directions.ts).
 */
import type { CardLike } from '../../protocol/transport.ts';
import { T0CardLayer } from './t0-card.ts';

export interface T0CharOptions {
  /** NULL procedure bytes the card sends before each procedure byte or SW1 (the card is "working"). */
  nulls?: number;
  /** Data bytes the card moves one at a time (~INS) before an INS for the rest. */
  oneByOne?: number;
  /** Whether a header with P3 > 0 is case 2 (the card sends P3 bytes). */
  outgoing: (cla: number, ins: number) => boolean;
}

const NULL_BYTE = 0x60;

export class T0CharCard {
  private readonly layer: T0CardLayer;
  private header: number[] = [];
  /** Incoming data still expected after the ACK, and what came so far. */
  private incoming: { expected: number; data: number[] } | undefined;
  /** Bytes the card has sent and the reader has not read yet. */
  private readonly line: number[] = [];

  constructor(
    card: CardLike,
    private readonly options: T0CharOptions,
  ) {
    this.layer = new T0CardLayer(card);
  }

  /** Bytes from the reader to the card. */
  receive(bytes: Uint8Array): void {
    for (const b of bytes) {
      if (this.incoming) this.dataByte(b);
      else {
        this.header.push(b);
        if (this.header.length === 5) this.headerDone();
      }
    }
  }

  /** Up to `count` bytes the card has sent; fewer means the card is silent (the reader times out). */
  send(count: number): Uint8Array | undefined {
    if (this.line.length < count) {
      this.line.length = 0; // the reader read what came, then timed out
      return undefined;
    }
    return Uint8Array.from(this.line.splice(0, count));
  }

  private emit(...bytes: number[]): void {
    for (let i = 0; i < (this.options.nulls ?? 0); i++) this.line.push(NULL_BYTE);
    this.line.push(...bytes);
  }

  private headerDone(): void {
    const header = Uint8Array.from(this.header);
    const [cla, ins, , , p3] = this.header as [number, number, number, number, number];
    this.header = [];
    if ((ins & 0xf0) === 0x60 || (ins & 0xf0) === 0x90) return this.emit(0x6d, 0x00); // invalid INS (7816-3 §10.3.2)
    if (p3 === 0 || this.layer.expectsAsOutgoing(header) || this.options.outgoing(cla, ins)) {
      const r = this.layer.transmit(header);
      if (r.length === 2) return this.emit(r[0] as number, r[1] as number); // status only: no ACK
      const data = r.subarray(0, r.length - 2);
      let i = 0;
      for (; i < Math.min(this.options.oneByOne ?? 0, data.length); i++) this.emit(ins ^ 0xff, data[i] as number);
      if (i < data.length) this.emit(ins, ...data.subarray(i));
      // SW1 SW2 follow the data at once: libccid reads data and status in one go after the ACK.
      this.line.push(r[r.length - 2] as number, r[r.length - 1] as number);
      return;
    }
    this.incoming = { expected: p3, data: [...header] };
    this.emit((this.options.oneByOne ?? 0) > 0 ? ins ^ 0xff : ins);
  }

  private dataByte(b: number): void {
    const inc = this.incoming as { expected: number; data: number[] };
    inc.data.push(b);
    const got = inc.data.length - 5;
    if (got < inc.expected) {
      // The host moves one byte per ~INS; after oneByOne of them, one INS for the rest.
      const oneByOne = this.options.oneByOne ?? 0;
      if (got < oneByOne) this.emit((inc.data[1] as number) ^ 0xff);
      else if (got === oneByOne) this.emit(inc.data[1] as number);
      return;
    }
    this.incoming = undefined;
    const r = this.layer.transmit(Uint8Array.from(inc.data));
    this.emit(...r);
  }
}
