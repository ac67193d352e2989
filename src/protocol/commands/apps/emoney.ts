/**
 * E-money application commands (AID A0000009990201), as getApdu + parseResponse pairs.
 * Balance is yen, u32. CREDIT needs the cardholder PIN and is recorded in the card's
 * load history (claims 18-23). docs/protocol-apps.md has every status word.
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { APP_CLA, INS } from './ids.ts';
import { parseValueChange, parseValueRead, type ValueReply } from './reply.ts';
import { decodeLog, decodeU32, encodeValueCommand, type LogEntry } from './value-log.ts';

const I = INS.emoney;

/** CREDIT (load value): 80 30 00 00 0C amount u32 date u64 04 -> balance after u32. */
export const emoneyCredit = {
  getApdu: (amount: number, date: number): CommandApdu => command(APP_CLA, I.credit, 0, 0, encodeValueCommand(amount, date), 4),
  /** value undefined when the card answered 6283 without executing (value reset first). */
  parseResponse: (r: Uint8Array): ValueReply<number | undefined> => parseValueChange(r, 'CREDIT', decodeU32),
};

/** DEBIT (spend): 80 32 00 00 0C amount u32 date u64 04 -> balance after u32. */
export const emoneyDebit = {
  getApdu: (amount: number, date: number): CommandApdu => command(APP_CLA, I.debit, 0, 0, encodeValueCommand(amount, date), 4),
  parseResponse: (r: Uint8Array): ValueReply<number | undefined> => parseValueChange(r, 'DEBIT', decodeU32),
};

/** READ BALANCE: 80 34 00 00 04 -> balance u32. */
export const emoneyReadBalance = {
  getApdu: (): CommandApdu => command(APP_CLA, I.readBalance, 0, 0, undefined, 4),
  parseResponse: (r: Uint8Array): ValueReply<number> => parseValueRead(r, 'READ BALANCE', decodeU32),
};

/** READ LOG: 80 36 00 00 00 -> entries newest first (17 bytes each). */
export const emoneyReadLog = {
  getApdu: (): CommandApdu => command(APP_CLA, I.readLog, 0, 0, undefined, 256),
  parseResponse: (r: Uint8Array): ValueReply<LogEntry[]> => parseValueRead(r, 'READ LOG', decodeLog),
};
