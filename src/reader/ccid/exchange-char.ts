/**
 * Character level (dwFeatures bits 16-18 all zero, CCID rev 1.1 §5.1, §6.1.4): the
 * reader only moves characters. Each PC_to_RDR_XfrBlock carries the bytes to send to
 * the card and, in wLevelParameter, how many bytes the reader is to read back from it;
 * the host runs the card's protocol character by character, as libccid does:
 *   T=0: commands.c CmdXfrBlockCHAR_T0(), T0ProcACK(), T0ProcSW1() (ISO/IEC 7816-3
 *        §10.3.3): send the 5-byte header, read one procedure byte; NULL (0x60): read
 *        another; INS (or INS ^ 1): move all remaining data (send the rest of the
 *        command, or read what is still expected including SW1 SW2); ~INS (or ~INS ^ 1):
 *        move one byte; SW1 (6x, 9x): read SW2. The APDU is first made a TPDU
 *        (apduToT0Tpdu: case 4 loses Le), so 61xx and 6Cxx reach the wrappers as at
 *        TPDU level.
 *   T=1: openct/proto-t1.c t1_xcv(): send the block asking for its 3-byte prologue,
 *        then ask for LEN + EDC more bytes.
 */
import { concat } from '../../protocol/bytes.ts';
import { ReaderError } from '../errors.ts';
import { apduToT0Tpdu } from './exchange-tpdu.ts';
import type { SlotIo } from './slot-io.ts';

const NULL_BYTE = 0x60;
/** NULL bytes a card may send for one command before we call it mute (libccid waits on them without bound). */
const MAX_NULLS = 10_000;

function isSw1(b: number): boolean {
  return (b & 0xf0) === 0x60 || (b & 0xf0) === 0x90;
}

export async function charT0Exchange(io: SlotIo, apdu: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  const tpdu = apduToT0Tpdu(apdu);
  const header = tpdu.subarray(0, 5);
  const ins = header[1] as number;
  // 7816-3 §10.3.2: INS 6x and 9x are invalid, they would read as SW1 (libccid refuses them too).
  if (isSw1(ins)) throw new ReaderError('UNSUPPORTED', `INS 0x${ins.toString(16)} cannot be sent with T=0 (7816-3 §10.3.2)`);
  let toSend = tpdu.subarray(5);
  // Data coming from the card: P3 bytes (00 = 256) for case 2, none for case 1 and 3; then SW1 SW2.
  const receiving = toSend.length === 0;
  const p3 = header[4] as number;
  let toReceive = receiving && p3 > 0 ? p3 : receiving ? 256 : 0;
  const received: Uint8Array[] = [];
  const read = async (send: Uint8Array, count: number): Promise<Uint8Array> => {
    const answer = await io.xfr(send, { levelParameter: count, signal });
    if (answer.data.length !== count) {
      throw new ReaderError('PROTOCOL_ERROR', `character-level reader returned ${answer.data.length} bytes where ${count} were asked for`);
    }
    return answer.data;
  };

  let procedure = (await read(header, 1))[0] as number;
  for (let nulls = 0; ; ) {
    if (procedure === NULL_BYTE) {
      if (++nulls > MAX_NULLS) throw new ReaderError('CARD_MUTE', `the card sent ${MAX_NULLS} NULL procedure bytes without an answer`);
      procedure = (await read(new Uint8Array(0), 1))[0] as number;
      continue;
    }
    if (procedure === ins || procedure === (ins ^ 0x01)) {
      if (receiving) {
        // All remaining data and SW1 SW2 in one read, as T0ProcACK(is_rcv = 1).
        const rest = await read(new Uint8Array(0), toReceive + 2);
        return concat(...received, rest);
      }
      // All remaining command data, then the next procedure byte.
      const chunk = toSend;
      toSend = new Uint8Array(0);
      procedure = (await read(chunk, 1))[0] as number;
      continue;
    }
    if (procedure === (ins ^ 0xff) || procedure === (ins ^ 0xfe)) {
      // One byte, then the next procedure byte.
      if (receiving) {
        if (toReceive === 0) throw new ReaderError('PROTOCOL_ERROR', 'the T=0 card offered a data byte beyond P3');
        received.push(await read(new Uint8Array(0), 1));
        toReceive--;
        procedure = (await read(new Uint8Array(0), 1))[0] as number;
      } else {
        if (toSend.length === 0) throw new ReaderError('PROTOCOL_ERROR', 'the T=0 card asked for a data byte beyond P3');
        const one = toSend.subarray(0, 1);
        toSend = toSend.subarray(1);
        procedure = (await read(one, 1))[0] as number;
      }
      continue;
    }
    if (isSw1(procedure)) {
      const sw2 = (await read(new Uint8Array(0), 1))[0] as number;
      return concat(...received, Uint8Array.of(procedure, sw2));
    }
    throw new ReaderError('PROTOCOL_ERROR', `the T=0 card sent procedure byte 0x${procedure.toString(16).padStart(2, '0')}, which is none of NULL, ACK or SW1 (7816-3 §10.3.3)`);
  }
}

/**
 * ICCD version A: the device moves the procedure bytes; the TPDU goes whole, with
 * wLevelParameter = the answer data expected (P3, 00 = 256, for case 1 and 2), and comes
 * back as data + SW1 SW2 (iccd-a-pipe.ts, libccid CmdXfrBlockCHAR_T0's ICCD_A branch).
 */
export async function iccdAExchange(io: SlotIo, apdu: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  const tpdu = apduToT0Tpdu(apdu);
  const expected = tpdu.length === 5 ? (tpdu[4] as number) || 256 : 0;
  const answer = await io.xfr(tpdu, { levelParameter: expected, signal });
  if (answer.data.length < 2) throw new ReaderError('PROTOCOL_ERROR', 'T=0 answer without SW1 SW2');
  return answer.data;
}

/** One T=1 block at character level: prologue first, then LEN + EDC bytes (ISO/IEC 7816-3 §11.3). */
export function charT1BlockExchange(io: SlotIo, edc: 'lrc' | 'crc') {
  const edcLength = edc === 'crc' ? 2 : 1;
  return async (block: Uint8Array, wtx: number): Promise<Uint8Array> => {
    const bwi = wtx > 1 ? Math.min(wtx, 0xff) : 0;
    const prologue = (await io.xfr(block, { bwi, levelParameter: 3 })).data;
    if (prologue.length !== 3) throw new ReaderError('PROTOCOL_ERROR', `character-level reader returned ${prologue.length} prologue bytes, not 3`);
    const rest = (await io.xfr(new Uint8Array(0), { bwi, levelParameter: (prologue[2] as number) + edcLength })).data;
    return concat(prologue, rest);
  };
}
