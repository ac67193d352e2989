/**
 * E-money application commands (AID A0000009990201), as getApdu + parseResponse pairs.
 * Balance is yen, u32. CREDIT needs the cardholder PIN and is recorded in the card's
 * load history (claims 18-23). docs/protocol-apps.md has every status word.
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { APP_CLA, INS } from './ids.ts';
import { parseValueRead, type ValueReply } from './reply.ts';
import { decodeU32 } from './value-log.ts';
import { readLogCommand, valueChangeCommand } from './value-commands.ts';

const I = INS.emoney;

/** CREDIT (load value): 80 30 00 00 0C amount u32 date u64 04 -> balance after u32. */
export const emoneyCredit = valueChangeCommand(I.credit, 'CREDIT');

/** DEBIT (spend): 80 32 00 00 0C amount u32 date u64 04 -> balance after u32. */
export const emoneyDebit = valueChangeCommand(I.debit, 'DEBIT');

/** READ BALANCE: 80 34 00 00 04 -> balance u32. */
export const emoneyReadBalance = {
  getApdu: (): CommandApdu => command(APP_CLA, I.readBalance, 0, 0, undefined, 4),
  parseResponse: (r: Uint8Array): ValueReply<number> => parseValueRead(r, 'READ BALANCE', decodeU32),
};

/** READ LOG: 80 36 00 00 00 -> entries newest first (17 bytes each). */
export const emoneyReadLog = readLogCommand(I.readLog, 'READ LOG');
