/**
 * TPDU level: the host runs the card's transmission protocol and the reader carries
 * its bytes (CCID rev 1.1 §3.2.1, §6.1.4).
 *   T=1: one block per XfrBlock; bBWI carries the WTX multiplier (§6.1.4).
 *   T=0: the APDU becomes a TPDU (ISO/IEC 7816-3 §12.2): case 4 loses its Le and the
 *        card answers 61xx, which the GET RESPONSE wrapper resolves; the reader handles
 *        the procedure bytes (ACK, NULL) with the card.
 */
import { decodeCommand } from '../../protocol/apdu.ts';
import { ReaderError } from '../errors.ts';
import type { SlotIo } from './slot-io.ts';

export function t1BlockExchange(io: SlotIo) {
  return async (block: Uint8Array, wtx: number): Promise<Uint8Array> => (await io.xfr(block, { bwi: wtx > 1 ? Math.min(wtx, 0xff) : 0 })).data;
}

export function apduToT0Tpdu(apdu: Uint8Array): Uint8Array {
  const d = decodeCommand(apdu);
  if (!d.ok) throw new ReaderError('UNSUPPORTED', `not a valid command APDU: ${d.error.message}`);
  const c = d.value;
  if (c.extended) throw new ReaderError('UNSUPPORTED', 'T=0 carries short APDUs only; use the extended-length wrapper');
  const head = [c.cla, c.ins, c.p1, c.p2];
  if (c.data.length > 0) return Uint8Array.from([...head, c.data.length, ...c.data]); // case 3, or case 4 without Le
  return Uint8Array.from([...head, c.ne === 256 ? 0 : c.ne]); // case 1 (P3 = 00) or case 2
}

export async function t0Exchange(io: SlotIo, apdu: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  const answer = await io.xfr(apduToT0Tpdu(apdu), { signal });
  if (answer.data.length < 2) throw new ReaderError('PROTOCOL_ERROR', 'T=0 answer without SW1 SW2');
  return answer.data;
}
