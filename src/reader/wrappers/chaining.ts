/**
 * Command chaining (ISO/IEC 7816-4 §5.1.1.1): a command whose data the link cannot
 * carry in one piece is sent as several, each but the last with CLA bit 0x10 set.
 * Every piece but the last must be answered 9000; otherwise that answer is returned.
 */
import { decodeCommand, encodeCommand, type CommandApdu } from '../../protocol/apdu.ts';
import type { Transport } from '../../protocol/transport.ts';

export const CLA_CHAINING = 0x10;

export async function sendChained(inner: Transport, c: CommandApdu, piece: number, options?: { signal?: AbortSignal }): Promise<Uint8Array> {
  if (c.cla & CLA_CHAINING) throw new RangeError('command already has the chaining bit set');
  for (let o = 0; ; o += piece) {
    const last = o + piece >= c.data.length;
    const part: CommandApdu = { ...c, cla: last ? c.cla : c.cla | CLA_CHAINING, data: c.data.subarray(o, o + piece), ne: last ? c.ne : 0 };
    const r = await inner.transmit(encodeCommand(part), options);
    if (last) return r;
    if (r.length !== 2 || r[0] !== 0x90 || r[1] !== 0x00) return r;
  }
}

export function withCommandChaining(inner: Transport): Transport {
  return {
    get limits() {
      return { ...inner.limits, maxCommandData: 65535 };
    },
    async transmit(apdu, options) {
      const d = decodeCommand(apdu);
      const max = inner.limits.maxCommandData;
      if (!d.ok || d.value.data.length <= max) return inner.transmit(apdu, options);
      return sendChained(inner, d.value, Math.min(max, 255), options);
    },
  };
}
