/**
 * Bulk-IN messages, reader to host (CCID rev 1.1 §6.2). Every one carries bStatus and
 * bError at offsets 7 and 8 (§6.2.6); offset 9 is message specific.
 */
import { concat, readU32le, u32le } from '../bytes.ts';
import { fail, ok, type Decoded } from '../result.ts';
import { RDR_TO_PC, slotErrorName } from './constants.ts';
import { decodeFrame, encodeFrame } from './header.ts';

export type RdrToPcName = keyof typeof RDR_TO_PC;

export interface RdrToPc {
  type: RdrToPcName;
  slot: number;
  seq: number;
  bStatus: number;
  bError: number;
  /**
   * Offset 9: bChainParameter (DataBlock §6.2.1), bClockStatus (SlotStatus §6.2.2),
   * bProtocolNum (Parameters §6.2.3), RFU otherwise.
   */
  specific: number;
  data: Uint8Array;
}

export type IccState = 'active' | 'inactive' | 'absent' | 'rfu';
export type CommandState = 'ok' | 'failed' | 'time-extension' | 'rfu';

export interface SlotStatusBits {
  icc: IccState;
  command: CommandState;
  /** bError; when command is 'time-extension' it is the BWT multiplier (§6.2.6). */
  error: number;
  errorName: string | undefined;
}

const ICC: readonly IccState[] = ['active', 'inactive', 'absent', 'rfu'];
const CMD: readonly CommandState[] = ['ok', 'failed', 'time-extension', 'rfu'];

/** bStatus bits 0-1 bmICCStatus, bits 6-7 bmCommandStatus (§6.2.6). */
export function decodeStatus(bStatus: number, bError: number): SlotStatusBits {
  const command = CMD[(bStatus >>> 6) & 3] as CommandState;
  return {
    icc: ICC[bStatus & 3] as IccState,
    command,
    error: bError,
    errorName: command === 'failed' ? slotErrorName(bError) : undefined,
  };
}

export function encodeStatus(icc: IccState, command: CommandState): number {
  return ICC.indexOf(icc) | (CMD.indexOf(command) << 6);
}

export function encodeRdrToPc(m: RdrToPc): Uint8Array {
  return encodeFrame({ type: RDR_TO_PC[m.type], slot: m.slot, seq: m.seq, specific: [m.bStatus, m.bError, m.specific], data: m.data });
}

const NAMES = new Map<number, RdrToPcName>(Object.entries(RDR_TO_PC).map(([k, v]) => [v, k as RdrToPcName]));

export function decodeRdrToPc(b: Uint8Array): Decoded<RdrToPc> {
  const what = 'RDR_to_PC message';
  const f = decodeFrame(b, what);
  if (!f.ok) return f;
  const name = NAMES.get(f.value.type);
  if (name === undefined) return fail(what, `unknown bMessageType 0x${f.value.type.toString(16)}`, 0);
  const [bStatus, bError, specific] = f.value.specific;
  if ((bStatus & 0x3c) !== 0) return fail(what, `bStatus 0x${bStatus.toString(16)} has RFU bits 2-5 set`, 7);
  if (name === 'SlotStatus' && f.value.data.length !== 0) return fail(what, 'SlotStatus carries no data', 1);
  if (name === 'DataRateAndClockFrequency' && f.value.data.length !== 8 && (bStatus & 0xc0) === 0) {
    return fail(what, `DataRateAndClockFrequency needs 8 data bytes, got ${f.value.data.length}`, 1);
  }
  return ok({ type: name, slot: f.value.slot, seq: f.value.seq, bStatus, bError, specific, data: f.value.data });
}

/** §6.2.5: dwClockFrequency and dwDataRate, both little endian. */
export function dataRateAndClock(clockFrequency: number, dataRate: number): Uint8Array {
  return concat(u32le(clockFrequency), u32le(dataRate));
}

export function readDataRateAndClock(data: Uint8Array): { clockFrequency: number; dataRate: number } {
  return { clockFrequency: readU32le(data, 0), dataRate: readU32le(data, 4) };
}
