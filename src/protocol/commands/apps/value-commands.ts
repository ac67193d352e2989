/**
 * The command shapes both value applications (e-money, membership) share: a value
 * change (amount u32, date u64 -> value after u32, or 6283 unexecuted after a restore)
 * and READ LOG. One definition, so the two applications cannot drift apart.
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { APP_CLA } from './ids.ts';
import { parseValueChange, parseValueRead, type ValueReply } from './reply.ts';
import { decodeLog, decodeU32, encodeValueCommand, type LogEntry } from './value-log.ts';

export function valueChangeCommand(ins: number, name: string) {
  return {
    getApdu: (amount: number, date: number): CommandApdu => command(APP_CLA, ins, 0, 0, encodeValueCommand(amount, date), 4),
    /** value undefined when the card answered 6283 without executing (value reset first). */
    parseResponse: (r: Uint8Array): ValueReply<number | undefined> => parseValueChange(r, name, decodeU32),
  };
}

export function readLogCommand(ins: number, name: string) {
  return {
    getApdu: (): CommandApdu => command(APP_CLA, ins, 0, 0, undefined, 256),
    parseResponse: (r: Uint8Array): ValueReply<LogEntry[]> => parseValueRead(r, name, decodeLog),
  };
}
