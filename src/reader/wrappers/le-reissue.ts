/**
 * 6Cxx: "wrong Le; SW2 is the exact length" (ISO/IEC 7816-4 §5.6). Send the same
 * command again, once, with Le = SW2 (00 = 256).
 */
import { decodeCommand, encodeCommand } from '../../protocol/apdu.ts';
import type { Transport } from '../../protocol/transport.ts';

export function withLeReissue(inner: Transport): Transport {
  return {
    get limits() {
      return inner.limits;
    },
    async transmit(apdu, options) {
      const r = await inner.transmit(apdu, options);
      if (r.length !== 2 || r[0] !== 0x6c) return r;
      const d = decodeCommand(apdu);
      if (!d.ok) return r;
      const sw2 = r[1] as number;
      return inner.transmit(encodeCommand({ ...d.value, ne: sw2 === 0 ? 256 : sw2 }, d.value.extended ? 'extended' : 'auto'), options);
    },
  };
}
