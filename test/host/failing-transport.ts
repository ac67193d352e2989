/**
 * A transport that fails like an unplugged reader: after `okCount` exchanges every
 * transmit throws. `deliverFailing` decides whether the failing command still reached
 * the card (its answer lost on the way back) or never left the host.
 */
import type { Transport } from '../../src/protocol/transport.ts';

export class ReaderGone extends Error {
  constructor() {
    super('the reader was unplugged');
    this.name = 'ReaderGone';
  }
}

export function failingAfter(inner: Transport, okCount: number, o: { deliverFailing?: boolean; only?: (apdu: Uint8Array) => boolean } = {}): Transport & { failed: boolean } {
  let n = 0;
  const t = {
    failed: false,
    limits: inner.limits,
    async transmit(apdu: Uint8Array, options?: { signal?: AbortSignal }) {
      if (!t.failed && (o.only === undefined || o.only(apdu)) && n++ >= okCount) t.failed = true;
      if (t.failed) {
        if (o.deliverFailing) {
          o.deliverFailing = false;
          await inner.transmit(apdu, options);
        }
        throw new ReaderGone();
      }
      return inner.transmit(apdu, options);
    },
  };
  return t;
}
