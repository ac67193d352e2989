/**
 * Every card command the host sends, in one table: its name (the key) and its codec
 * from src/protocol (getApdu builds the command, parseResponse reads the answer and is
 * the one place its status words become errors). host/command.ts sends them; the
 * property test feeds every parser here random bytes (test/host/command-table.test.ts).
 * GET RESPONSE is not here: the transport wrappers send it (src/reader/wrappers).
 */
import {
  backup,
  backupAbort,
  backupComplete,
  backupTransfer,
  changePin,
  getApTable,
  getBackupStatus,
  getCardKeys,
  getChangedPages,
  getIdentity,
  getLoadHistory,
  getMemoryLayout,
  getPinStatus,
  initialise,
  epochUpdate,
  getAuthorisationCounter,
  getCardCertificate,
  getEpochCertificate,
  pinState,
  resetRetryCounter,
  internalAuthenticate,
  restore,
  restoreAbort,
  restoreComplete,
  restoreTransfer,
  select,
  verifyPin,
} from '../protocol/commands/index.ts';
import {
  creditRead,
  creditUpdate,
  emoneyCredit,
  emoneyDebit,
  emoneyReadBalance,
  emoneyReadLog,
  emoneyReadCounters,
  idRead,
  idUpdate,
  medicalAppendRecord,
  medicalCount,
  medicalReadRecord,
  membershipAddPoints,
  membershipRead,
  membershipReadLog,
  membershipReadCounters,
  membershipRedeem,
} from '../protocol/commands/apps/index.ts';
import type { CommandApdu } from '../protocol/apdu.ts';

/** What a table entry is: build the APDU, parse the answer. */
export interface Codec {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each entry has its own arguments; command.ts keeps them typed per name
  getApdu(...args: any[]): CommandApdu;
  /** BACKUP DATA TRANSFER also needs the card's page size to split its answer. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- as above
  parseResponse(response: Uint8Array, ...context: any[]): unknown;
}

export const COMMANDS = {
  // Card manager (docs/protocol.md)
  'SELECT': select,
  'VERIFY': verifyPin,
  'VERIFY (state)': pinState,
  'CHANGE REFERENCE DATA': changePin,
  'RESET RETRY COUNTER': resetRetryCounter,
  'GET DATA identity': getIdentity,
  'GET DATA memory layout': getMemoryLayout,
  'GET DATA AP table': getApTable,
  'GET DATA backup status': getBackupStatus,
  'GET DATA load history': getLoadHistory,
  'GET DATA PIN status': getPinStatus,
  'GET DATA changed pages': getChangedPages,
  'GET DATA card keys': getCardKeys,
  'GET DATA card certificate': getCardCertificate,
  'GET DATA epoch certificate': getEpochCertificate,
  'GET DATA authorisation counter': getAuthorisationCounter,
  'INTERNAL AUTHENTICATE': internalAuthenticate,
  'INITIALISE': initialise,
  'EPOCH UPDATE': epochUpdate,
  'BACKUP': backup,
  'BACKUP DATA TRANSFER': backupTransfer,
  'BACKUP COMPLETE': backupComplete,
  'BACKUP ABORT': backupAbort,
  'RESTORE': restore,
  'RESTORE DATA TRANSFER': restoreTransfer,
  'RESTORE COMPLETE': restoreComplete,
  'RESTORE ABORT': restoreAbort,
  // Applications (docs/protocol-apps.md)
  'e-money CREDIT': emoneyCredit,
  'e-money DEBIT': emoneyDebit,
  'e-money READ BALANCE': emoneyReadBalance,
  'e-money READ LOG': emoneyReadLog,
  'e-money READ COUNTERS': emoneyReadCounters,
  'membership READ': membershipRead,
  'membership ADD POINTS': membershipAddPoints,
  'membership REDEEM': membershipRedeem,
  'membership READ LOG': membershipReadLog,
  'membership READ COUNTERS': membershipReadCounters,
  'credit READ': creditRead,
  'credit UPDATE': creditUpdate,
  'ID READ': idRead,
  'ID UPDATE': idUpdate,
  'medical READ RECORD': medicalReadRecord,
  'medical APPEND RECORD': medicalAppendRecord,
  'medical COUNT': medicalCount,
} as const satisfies Record<string, Codec>;

export type CommandName = keyof typeof COMMANDS;
