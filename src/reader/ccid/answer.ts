/**
 * Turn a RDR_to_PC answer into data or a ReaderError (CCID rev 1.1 §6.2.6, §6.2.7).
 */
import type { RdrToPc, RdrToPcName } from '../../protocol/ccid/rdr-to-pc.ts';
import { decodeStatus } from '../../protocol/ccid/rdr-to-pc.ts';
import { ReaderError } from '../errors.ts';

export function expectAnswer(m: RdrToPc, type: RdrToPcName, cardWasActive: boolean): RdrToPc {
  const st = decodeStatus(m.bStatus, m.bError);
  if (st.command === 'failed') {
    if (st.icc === 'absent') throw new ReaderError(cardWasActive ? 'CARD_REMOVED' : 'NO_CARD', `reader says ${st.errorName}`);
    if (st.errorName === 'ICC_MUTE') throw new ReaderError('CARD_MUTE', 'ICC_MUTE');
    if (st.errorName === 'HW_ERROR') throw new ReaderError('HARDWARE_ERROR', 'HW_ERROR');
    throw new ReaderError('READER_FAILED', `${m.type} failed: ${st.errorName}`);
  }
  if (st.command === 'rfu') throw new ReaderError('PROTOCOL_ERROR', `bStatus 0x${m.bStatus.toString(16)} is RFU`);
  if (m.type !== type) throw new ReaderError('PROTOCOL_ERROR', `expected RDR_to_PC_${type}, got RDR_to_PC_${m.type}`);
  return m;
}
