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
      const limits = inner.limits;
      if (limits.extendedLength) return inner.transmit(apdu, options);
      const d = decodeCommand(apdu);
      // A short link may carry less than a full short APDU (one CCID message of a small
      // reader): pieces and Ne are sized to what it declares.
      const nc = Math.min(SHORT_MAX_NC, limits.maxCommandData);
      const ne = Math.min(SHORT_MAX_NE, limits.maxResponseData);
      if (!d.ok || (!d.value.extended && d.value.data.length <= nc && d.value.ne <= ne)) return inner.transmit(apdu, options);
      const c = { ...d.value, ne: Math.min(d.value.ne, ne) };
      if (c.data.length > nc) return sendChained(inner, c, nc, options);
      return inner.transmit(encodeCommand(c), options);
    },
  };
}
