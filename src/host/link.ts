/**
 * One flow's conversation with the card: the caller's Transport with the wrappers a
 * flow relies on (61xx GET RESPONSE for short links, command chaining for long
 * commands; both pass through when the transport already handles them), a count of
 * APDUs and bytes for progress, and the flow's AbortSignal on every exchange.
 */
import { encodeCommand, type CommandApdu } from '../protocol/apdu.ts';
import type { Transport, TransportLimits } from '../protocol/transport.ts';
import { withCommandChaining, withGetResponse } from '../reader/wrappers/index.ts';

export interface Wire {
  apdus: number;
  /** Command plus response bytes, as the wrapped transport saw them. */
  bytes: number;
}

export class CardLink {
  readonly wire: Wire = { apdus: 0, bytes: 0 };
  private readonly t: Transport;

  constructor(
    transport: Transport,
    readonly signal: AbortSignal | undefined,
  ) {
    const wire = this.wire;
    const counted: Transport = {
      get limits() {
        return transport.limits;
      },
      async transmit(apdu, options) {
        const r = await transport.transmit(apdu, options);
        wire.apdus++;
        wire.bytes += apdu.length + r.length;
        return r;
      },
    };
    this.t = withGetResponse(withCommandChaining(counted));
  }

  /** Limits after the wrappers: long commands are fine; Ne is what the link itself carries. */
  get limits(): TransportLimits {
    return this.t.limits;
  }

  /** Throws the signal's reason (an AbortError) if the flow was cancelled. */
  checkpoint(): void {
    this.signal?.throwIfAborted();
  }

  /** Send one command and parse its answer; `cancellable: false` for cleanup and commit points. */
  async run<T>(c: CommandApdu, parse: (response: Uint8Array) => T, cancellable = true): Promise<T> {
    if (cancellable) this.checkpoint();
    const opts = cancellable && this.signal ? { signal: this.signal } : undefined;
    const r = await this.t.transmit(encodeCommand(c), opts);
    return parse(r);
  }

  /** Best effort: used while cleaning up after a failure, whose error is the one to report. */
  async tryRun(c: CommandApdu, parse: (response: Uint8Array) => void): Promise<boolean> {
    try {
      await this.run(c, parse, false);
      return true;
    } catch {
      return false;
    }
  }
}
