/** The OS command table (docs/architecture.md): (CLA, INS) -> handler. Everything else goes to the selected application. */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { CLA_ISO, CLA_PROPRIETARY, INS } from '../../protocol/commands/codes.ts';
import type { CardOs } from '../os.ts';
import type { Reply } from '../session.ts';
import { select } from './app.ts';
import { backupAbort, backupComplete, backupStart, backupTransfer } from './backup.ts';
import { internalAuthenticate } from './card-auth.ts';
import { epochUpdate } from './epoch.ts';
import { getData } from './get-data.ts';
import { initialise } from './initialise.ts';
import { changeReferenceData, verify } from './pin.ts';
import { resetRetryCounter } from './puk.ts';
import { restoreAbort, restoreComplete, restoreTransfer } from './restore-data.ts';
import { restoreStart } from './restore-start.ts';

export type Handler = (os: CardOs, c: DecodedCommand) => Reply;

/** Any refusal inside the restore family ends the restore session (the host starts again). */
const endsRestoreOnRefusal =
  (h: Handler): Handler =>
  (os, c) => {
    try {
      return h(os, c);
    } catch (e) {
      os.session.restore = undefined;
      throw e;
    }
  };

const iso = (ins: number) => (CLA_ISO << 8) | ins;
const prop = (ins: number) => (CLA_PROPRIETARY << 8) | ins;

export const OS_COMMANDS = new Map<number, Handler>([
  [iso(INS.SELECT), select],
  [iso(INS.VERIFY), verify],
  [iso(INS.CHANGE_REFERENCE_DATA), changeReferenceData],
  [iso(INS.RESET_RETRY_COUNTER), resetRetryCounter],
  [iso(INS.INTERNAL_AUTHENTICATE), internalAuthenticate],
  [prop(INS.INITIALISE), initialise],
  [prop(INS.GET_DATA), getData],
  [prop(INS.BACKUP), backupStart],
  [prop(INS.BACKUP_DATA_TRANSFER), backupTransfer],
  [prop(INS.BACKUP_COMPLETE), backupComplete],
  [prop(INS.BACKUP_ABORT), backupAbort],
  [prop(INS.RESTORE), endsRestoreOnRefusal(restoreStart)],
  [prop(INS.RESTORE_DATA_TRANSFER), endsRestoreOnRefusal(restoreTransfer)],
  [prop(INS.RESTORE_COMPLETE), endsRestoreOnRefusal(restoreComplete)],
  [prop(INS.RESTORE_ABORT), endsRestoreOnRefusal(restoreAbort)],
  [prop(INS.EPOCH_UPDATE), epochUpdate],
]);
