/**
 * The host side of T=1 (ISO/IEC 7816-3 §11.6): send an APDU as chained I-blocks of at
 * most IFSC bytes, collect the card's chained answer, answer S(WTX) requests, and
 * recover from bad blocks with R-blocks, then S(RESYNCH) (§11.6.3 rules 6-7). The block
 * exchange itself is injected, so this stays free of I/O: the CCID driver supplies a
 * function that sends one block in a PC_to_RDR_XfrBlock and returns the reader's answer.
 */
import { concat } from './bytes.ts';
import { decodeT1Block, edcOk, encodeT1Block, T1_MAX_INF, type Edc, type T1Block } from './t1-block.ts';

/** Send one block, get one back. wtx: the BWT multiplier in force for this exchange. */
export type BlockExchange = (block: Uint8Array, wtx: number) => Promise<Uint8Array>;

export class T1ProtocolError extends Error {
  readonly code = 'T1_PROTOCOL' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'T1ProtocolError';
  }
}

export interface T1HostOptions {
  edc: Edc;
  /** The card's receive size from the ATR (TA for T=1, default 32). */
  ifsc: number;
  /** The largest INF the link carries in one block (the reader's message size), default 254. */
  maxInf?: number;
  nad?: number;
}

const MAX_RETRIES = 3;

export class T1Host {
  private ns: 0 | 1 = 0; // N(S) of our next I-block
  private nr: 0 | 1 = 0; // N(S) we expect from the card next
  ifsc: number;
  private readonly edc: Edc;
  private readonly nad: number;
  private readonly maxInf: number;

  constructor(
    private readonly exchange: BlockExchange,
    options: T1HostOptions,
  ) {
    this.edc = options.edc;
    this.maxInf = Math.min(options.maxInf ?? T1_MAX_INF, T1_MAX_INF);
    this.ifsc = Math.min(options.ifsc, this.maxInf);
    this.nad = options.nad ?? 0;
  }

  /** S(IFS request) with our IFSD (§11.4.2); the card answers with the same value. */
  async negotiateIfsd(ifsd: number): Promise<void> {
    const value = Math.min(Math.max(ifsd, 1), T1_MAX_INF);
    const answer = await this.sBlock('IFS', Uint8Array.of(value));
    if (answer.inf[0] !== value) throw new T1ProtocolError(`card answered S(IFS) with ${answer.inf[0]}, not ${value}`);
  }

  async transceive(apdu: Uint8Array): Promise<Uint8Array> {
    let reply: T1Block | undefined;
    // Chunks are cut as they go: an S(IFS request) from the card changes IFSC mid-chain.
    for (let o = 0; ; ) {
      const inf = apdu.subarray(o, o + this.ifsc);
      o += inf.length;
      const more = o < apdu.length;
      const block: T1Block = { kind: 'I', nad: this.nad, ns: this.ns, more, inf };
      reply = await this.send(block, (r) => (more ? r.kind === 'R' && r.nr !== block.ns : r.kind === 'I'));
      this.ns = (this.ns ^ 1) as 0 | 1;
      if (!more) break;
    }
    const parts: Uint8Array[] = [];
    for (;;) {
      if (!reply || reply.kind !== 'I') throw new T1ProtocolError('expected an I-block from the card');
      parts.push(reply.inf);
      this.nr = (this.nr ^ 1) as 0 | 1;
      if (!reply.more) return concat(...parts);
      const ack: T1Block = { kind: 'R', nad: this.nad, nr: this.nr, error: 0 };
      reply = await this.send(ack, (r) => r.kind === 'I' && r.ns === this.nr);
    }
  }

  private async sBlock(type: 'IFS' | 'RESYNCH', inf: Uint8Array): Promise<Extract<T1Block, { kind: 'S' }>> {
    const req: T1Block = { kind: 'S', nad: this.nad, response: false, type, inf };
    const r = await this.send(req, (b) => b.kind === 'S' && b.response && b.type === type, false);
    return r as Extract<T1Block, { kind: 'S' }>;
  }

  /**
   * Send a block until the card answers with what `wanted` accepts. A bad block from the
   * card gets R(error) (rule 7.1); an R-block asking for a repeat gets the block again
   * (rule 7.4); S(WTX) requests are granted (rule 3). After three failures, resynchronise.
   */
  private async send(block: T1Block, wanted: (b: T1Block) => boolean, mayResync = true): Promise<T1Block> {
    let out = encodeT1Block(block, this.edc);
    let wtx = 1;
    let failures = 0;
    for (;;) {
      const raw = await this.exchange(out, wtx);
      wtx = 1;
      const d = decodeT1Block(raw, this.edc);
      if (d.ok && d.value.kind === 'S' && !d.value.response && d.value.type === 'WTX') {
        wtx = Math.max(1, d.value.inf[0] as number);
        out = encodeT1Block({ kind: 'S', nad: this.nad, response: true, type: 'WTX', inf: d.value.inf }, this.edc);
        continue;
      }
      if (d.ok && d.value.kind === 'S' && !d.value.response && d.value.type === 'IFS') {
        // The card announces a new IFSC (§11.4.2, §11.6.2.3 rule 4): answer with the same
        // INF, then send blocks no larger than it (nor than the link carries).
        const ifsc = d.value.inf[0] ?? 0;
        if (d.value.inf.length === 1 && ifsc >= 1 && ifsc <= 254) {
          this.ifsc = Math.min(ifsc, this.maxInf);
          out = encodeT1Block({ kind: 'S', nad: this.nad, response: true, type: 'IFS', inf: d.value.inf }, this.edc);
          continue;
        }
      }
      if (d.ok && wanted(d.value)) return d.value;
      if (d.ok && d.value.kind === 'S' && !d.value.response && d.value.type === 'ABORT') {
        // §11.6.3.2 rule 9: an S(ABORT request) is answered with S(ABORT response); the
        // chain is then void, so the command did not complete.
        await this.exchange(encodeT1Block({ kind: 'S', nad: this.nad, response: true, type: 'ABORT', inf: new Uint8Array(0) }, this.edc), 1);
        throw new T1ProtocolError('the card aborted the chain (S(ABORT)); the command was not completed');
      }
      failures++;
      if (failures > MAX_RETRIES) {
        if (!mayResync) throw new T1ProtocolError(`no valid answer after ${MAX_RETRIES} retries`);
        await this.resync();
        throw new T1ProtocolError('T=1 exchange failed and was resynchronised; the command was not completed');
      }
      if (!d.ok) {
        // Bad block: ask for it again, naming the kind of error (§11.3.2.3).
        out = encodeT1Block({ kind: 'R', nad: this.nad, nr: this.nr, error: edcOk(raw, this.edc) ? 2 : 1 }, this.edc);
      } else if (d.value.kind === 'R') {
        out = encodeT1Block(block, this.edc);
      }
    }
  }

  private async resync(): Promise<void> {
    await this.sBlock('RESYNCH', new Uint8Array(0));
    this.ns = 0;
    this.nr = 0;
  }
}
