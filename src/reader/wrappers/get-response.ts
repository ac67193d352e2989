/**
 * 61xx: "SW2 more bytes available" (ISO/IEC 7816-4 §5.6, §7.6.1). Fetch them with GET
 * RESPONSE (INS C0, Le = SW2, 00 = 256) until the card gives a final status word, and
 * return all data followed by that status.
 */
import { concat } from '../../protocol/bytes.ts';
import type { Transport } from '../../protocol/transport.ts';
import { ReaderError } from '../errors.ts';

/** A card could keep saying 61xx forever; 65536 bytes of answer is the most an APDU holds. */
const MAX_ROUNDS = 257;

export function withGetResponse(inner: Transport): Transport {
  return {
    get limits() {
      return inner.limits;
    },
    async transmit(apdu, options) {
      let r = await inner.transmit(apdu, options);
      const parts: Uint8Array[] = [];
      const cla = getResponseClass(apdu[0] ?? 0);
      for (let round = 0; r.length >= 2 && r[r.length - 2] === 0x61; round++) {
        if (round >= MAX_ROUNDS) throw new ReaderError('PROTOCOL_ERROR', 'the card keeps answering 61xx');
        parts.push(r.subarray(0, r.length - 2));
        // Le = SW2 (00 = 256), no more than the link carries in one answer.
        const le = Math.min((r[r.length - 1] as number) || 256, inner.limits.maxResponseData);
        r = await inner.transmit(Uint8Array.of(cla, 0xc0, 0x00, 0x00, le & 0xff), options);
      }
      return parts.length === 0 ? r : concat(...parts, r);
    },
  };
}

/**
 * GET RESPONSE is an interindustry command (ISO/IEC 7816-4 §5.4.1): its class byte is
 * 0x or 4x whatever class the answered command had, keeping only the logical channel.
 * Copying a proprietary class (80) would turn it into another command: on our card
 * 80 C0 is RESTORE. First interindustry coding (000x xxcc): channel in b2-b1; further
 * interindustry (01xx cccc): channel 4 + b4-b1. Proprietary classes use the first
 * coding's channel bits, as cards that mix both do in practice.
 */
export function getResponseClass(cla: number): number {
  if ((cla & 0xc0) === 0x40) return 0x40 | (cla & 0x0f);
  return cla & 0x03;
}
