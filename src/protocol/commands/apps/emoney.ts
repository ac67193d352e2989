/**
 * E-money application commands (AID A0000009990201), as getApdu + parseResponse pairs.
 * Balance is yen, u32, kept by the card OS outside the backed-up memory (version 2).
 * CREDIT takes an issuer-signed load token; DEBIT answers a card-signed receipt.
 * docs/protocol-apps.md has the bytes and every status word.
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { APP_CLA, INS } from './ids.ts';
import { parsePlain } from './reply.ts';
import { decodeU32 } from './value-log.ts';
import { loadCommand, readCountersCommand, readLogCommand, spendCommand } from './value-commands.ts';

const I = INS.emoney;

/** CREDIT (load): 80 30 00 00 Lc date u64 ‖ load token 04 -> balance after u32. */
export const emoneyCredit = loadCommand(I.credit, 'CREDIT');

/** DEBIT (spend): 80 32 00 00 Lc amount u32 ‖ date u64 ‖ challenge (0-32) 00 -> receipt. */
export const emoneyDebit = spendCommand(I.debit, 'DEBIT');

/** READ BALANCE: 80 34 00 00 04 -> balance u32. */
export const emoneyReadBalance = {
  getApdu: (): CommandApdu => command(APP_CLA, I.readBalance, 0, 0, undefined, 4),
  parseResponse: (r: Uint8Array): number => parsePlain(r, 'READ BALANCE', decodeU32),
};

/** READ LOG: 80 36 00 00 00 -> entries newest first (17 bytes each). */
export const emoneyReadLog = readLogCommand(I.readLog, 'READ LOG');

/** READ COUNTERS: 80 38 00 00 0C -> balance u32 ‖ load counter u32 ‖ spend counter u32. */
export const emoneyReadCounters = readCountersCommand(I.readCounters, 'e-money READ COUNTERS');
