/**
 * Short and extended APDU level exchanges (CCID rev 1.1 §6.1.4, §6.2.1). At extended
 * level a command longer than dwMaxCCIDMessageLength - 10 travels in several XfrBlocks
 * (wLevelParameter 1, 3, ..., 2), each acknowledged by an empty DataBlock with
 * bChainParameter 0x10; a long response comes back in DataBlocks with bChainParameter
 * 1, 3, ..., 2, each after an empty XfrBlock with wLevelParameter 0x10.
 */
import { concat } from '../../protocol/bytes.ts';
import { CCID_HEADER_LENGTH, CHAIN } from '../../protocol/ccid/constants.ts';
import { ReaderError } from '../errors.ts';
import type { SlotIo } from './slot-io.ts';

const SHORT_APDU_MAX = 261; // 4 + 1 + 255 + 1 (ISO/IEC 7816-4 §5.1)

export async function shortApduExchange(io: SlotIo, apdu: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  if (apdu.length > SHORT_APDU_MAX || apdu.length + CCID_HEADER_LENGTH > io.maxMessageLength) {
    throw new ReaderError('UNSUPPORTED', `a ${apdu.length}-byte APDU does not fit this short-APDU reader`);
  }
  return (await io.xfr(apdu, { signal })).data;
}

export async function extendedApduExchange(io: SlotIo, apdu: Uint8Array, signal?: AbortSignal): Promise<Uint8Array> {
  const room = io.maxMessageLength - CCID_HEADER_LENGTH;
  if (room <= 0) throw new ReaderError('PROTOCOL_ERROR', `dwMaxCCIDMessageLength ${io.maxMessageLength} leaves no room for data`);
  let answer;
  if (apdu.length <= room) {
    answer = await io.xfr(apdu, { levelParameter: CHAIN.BeginsAndEnds, signal });
  } else {
    for (let o = 0; o < apdu.length; o += room) {
      const first = o === 0;
      const last = o + room >= apdu.length;
      const level = first ? CHAIN.BeginsAndContinues : last ? CHAIN.ContinuesAndEnds : CHAIN.ContinuesAndContinues;
      answer = await io.xfr(apdu.subarray(o, o + room), { levelParameter: level, signal });
      if (!last && answer.specific !== CHAIN.EmptyContinue) {
        throw new ReaderError('PROTOCOL_ERROR', `reader answered a command chunk with bChainParameter 0x${answer.specific.toString(16)}, not 0x10`);
      }
    }
  }
  if (!answer) throw new ReaderError('PROTOCOL_ERROR', 'no answer');
  const parts = [answer.data];
  while (answer.specific === CHAIN.BeginsAndContinues || answer.specific === CHAIN.ContinuesAndContinues) {
    answer = await io.xfr(new Uint8Array(0), { levelParameter: CHAIN.EmptyContinue, signal });
    parts.push(answer.data);
  }
  if (answer.specific !== CHAIN.BeginsAndEnds && answer.specific !== CHAIN.ContinuesAndEnds) {
    throw new ReaderError('PROTOCOL_ERROR', `unexpected bChainParameter 0x${answer.specific.toString(16)}`);
  }
  return concat(...parts);
}
