/**
 * The card side of T=1 (ISO/IEC 7816-3 §11.6), wrapped around an APDU-level card: the
 * simulated TPDU reader feeds it the blocks the host sends and returns what it answers.
 * It receives chained commands, chains long responses by IFSD, answers S(IFS),
 * S(RESYNCH) and S(ABORT), asks for waiting time (S(WTX)) when told to, and answers a
 * bad block with R(error), as a real card's T=1 layer does.
 */
import { concat } from './bytes.ts';
import { decodeT1Block, edcOk, encodeT1Block, type Edc, type T1Block } from './t1-block.ts';

export interface T1CardOptions {
  edc?: Edc;
  /** The card's IFSC (its receive size), from its ATR. */
  ifsc?: number;
  /** BWT multiplier to request before answering this APDU; 0 or absent: none. */
  wtxFor?: (apdu: Uint8Array) => number;
}

export class T1Card {
  readonly edc: Edc;
  readonly ifsc: number;
  /** IFSD: how much the host accepts per block; 32 until S(IFS request) (§11.4.2). */
  ifsd = 32;
  private ns: 0 | 1 = 0; // N(S) of the card's next I-block
  private nr: 0 | 1 = 0; // N(S) the card expects from the host next
  private command: Uint8Array[] = [];
  private pending: Uint8Array[] = []; // response chunks not yet acknowledged
  private last: Uint8Array | undefined;
  private wtxAsked = false;
  private readonly wtxFor: (apdu: Uint8Array) => number;

  constructor(
    private readonly transmitApdu: (apdu: Uint8Array) => Uint8Array,
    options: T1CardOptions = {},
  ) {
    this.edc = options.edc ?? 'lrc';
    this.ifsc = options.ifsc ?? 254;
    this.wtxFor = options.wtxFor ?? (() => 0);
  }

  /** After a reset the protocol state starts over (§11.6.1). */
  reset(): void {
    this.ns = 0;
    this.nr = 0;
    this.ifsd = 32;
    this.command = [];
    this.pending = [];
    this.last = undefined;
  }

  receive(bytes: Uint8Array): Uint8Array {
    const d = decodeT1Block(bytes, this.edc);
    if (!d.ok) return this.send({ kind: 'R', nad: 0, nr: this.nr, error: edcOk(bytes, this.edc) ? 2 : 1 });
    const b = d.value;
    if (b.kind === 'S') return this.onS(b);
    if (b.kind === 'R') {
      // R(N(R)) equal to our next N(S) acknowledges the previous chunk: send the next one.
      if (this.pending.length > 0 && b.nr === this.ns && b.error === 0) return this.nextChunk();
      // Otherwise the host did not get our last block: send it again (rule 7.1).
      return this.last ?? this.send({ kind: 'R', nad: 0, nr: this.nr, error: 2 });
    }
    if (b.ns !== this.nr) {
      // A repeated I-block: our acknowledgement was lost; repeat it (rule 7.3).
      return this.last ?? this.send({ kind: 'R', nad: 0, nr: this.nr, error: 2 });
    }
    if (b.inf.length > this.ifsc) return this.send({ kind: 'R', nad: 0, nr: this.nr, error: 2 });
    this.nr = (this.nr ^ 1) as 0 | 1;
    this.command.push(b.inf);
    if (b.more) return this.send({ kind: 'R', nad: 0, nr: this.nr, error: 0 });
    const apdu = concat(...this.command);
    this.command = [];
    const wtx = this.wtxFor(apdu);
    const response = this.transmitApdu(apdu);
    this.pending = [];
    for (let o = 0; o < response.length; o += this.ifsd) this.pending.push(response.subarray(o, o + this.ifsd));
    if (wtx > 0 && !this.wtxAsked) {
      this.wtxAsked = true;
      return this.send({ kind: 'S', nad: 0, response: false, type: 'WTX', inf: Uint8Array.of(wtx) });
    }
    return this.nextChunk();
  }

  private nextChunk(): Uint8Array {
    this.wtxAsked = false;
    const inf = this.pending.shift() ?? new Uint8Array(0);
    const block: T1Block = { kind: 'I', nad: 0, ns: this.ns, more: this.pending.length > 0, inf };
    this.ns = (this.ns ^ 1) as 0 | 1;
    return this.send(block);
  }

  private onS(b: Extract<T1Block, { kind: 'S' }>): Uint8Array {
    if (b.response) {
      // S(WTX response) after our request: now deliver the answer.
      if (b.type === 'WTX' && this.wtxAsked) return this.nextChunk();
      return this.last ?? this.send({ kind: 'R', nad: 0, nr: this.nr, error: 2 });
    }
    if (b.type === 'IFS') this.ifsd = b.inf[0] as number;
    if (b.type === 'RESYNCH') {
      this.ns = 0;
      this.nr = 0;
      this.command = [];
      this.pending = [];
    }
    if (b.type === 'ABORT') {
      this.command = [];
      this.pending = [];
    }
    return this.send({ kind: 'S', nad: 0, response: true, type: b.type, inf: b.inf });
  }

  private send(block: T1Block): Uint8Array {
    const bytes = encodeT1Block(block, this.edc);
    this.last = bytes;
    return bytes;
  }
}
