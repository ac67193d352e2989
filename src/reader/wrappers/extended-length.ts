/**
 * Extended length over a link that carries only short APDUs (ISO/IEC 7816-4 §5.1,
 * §5.3.4): data over 255 bytes goes by command chaining, and Ne over 256 becomes Le=00
 * with the rest fetched by GET RESPONSE after 61xx. On an extended link, untouched.
 */
import { decodeCommand, encodeCommand, SHORT_MAX_NC, SHORT_MAX_NE } from '../../protocol/apdu.ts';
import type { Transport } from '../../protocol/transport.ts';
import { sendChained } from './chaining.ts';

export function withExtendedLength(inner: Transport): Transport {
  return {
    get limits() {
      return inner.limits.extendedLength ? inner.limits : { ...inner.limits, maxCommandData: 65535 };
    },
    async transmit(apdu, options) {
      if (inner.limits.extendedLength) return inner.transmit(apdu, options);
      const d = decodeCommand(apdu);
      if (!d.ok || !d.value.extended) return inner.transmit(apdu, options);
      const c = { ...d.value, ne: Math.min(d.value.ne, SHORT_MAX_NE) };
      if (c.data.length > SHORT_MAX_NC) return sendChained(inner, c, SHORT_MAX_NC, options);
      return inner.transmit(encodeCommand(c), options);
    },
  };
}
