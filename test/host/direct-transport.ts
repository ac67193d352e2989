/**
 * A Transport straight onto a CardLike (the simulated card), for tests and benchmarks:
 * no reader in between. Its limits are honest: extended length only when the card's
 * ATR says it takes extended Lc/Le; otherwise short APDUs (255 / 256 bytes), and the
 * host's wrappers do chaining and 61xx. It logs every exchange and counts wire bytes.
 */
import { parseAtr } from '../../src/protocol/atr.ts';
import { historicalCapabilities } from '../../src/protocol/atr-historical.ts';
import type { CardLike, Transport, TransportLimits } from '../../src/protocol/transport.ts';

const SHORT: TransportLimits = { maxCommandData: 255, maxResponseData: 256, extendedLength: false };
const EXTENDED: TransportLimits = { maxCommandData: 65535, maxResponseData: 65536, extendedLength: true };

export interface Exchange {
  command: Uint8Array;
  response: Uint8Array;
}

export class DirectTransport implements Transport {
  readonly limits: TransportLimits;
  readonly log: Exchange[] = [];
  apdus = 0;
  bytes = 0;

  constructor(
    readonly card: CardLike,
    opts: { extendedLength?: boolean; keepLog?: boolean } = {},
  ) {
    const atr = parseAtr(card.powerOn());
    const ext = opts.extendedLength ?? (atr.ok && historicalCapabilities(atr.value.historical).extendedLength === true);
    this.limits = ext ? EXTENDED : SHORT;
    this.keepLog = opts.keepLog ?? true;
  }

  private readonly keepLog: boolean;

  async transmit(apdu: Uint8Array, options?: { signal?: AbortSignal }): Promise<Uint8Array> {
    options?.signal?.throwIfAborted();
    const response = this.card.transmit(apdu);
    this.apdus++;
    this.bytes += apdu.length + response.length;
    if (this.keepLog) this.log.push({ command: apdu.slice(), response: response.slice() });
    return response;
  }

  /** Instructions (CLA INS as 'CLAINS' hex) sent so far, for "was this ever sent" checks. */
  sent(): string[] {
    return this.log.map((e) => ((e.command[0] ?? 0) & ~0x10).toString(16).padStart(2, '0') + (e.command[1] ?? 0).toString(16).padStart(2, '0'));
  }
}
