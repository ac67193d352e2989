/**
 * The OS side of the OS/AP split (fig. 10): SELECT by AID, the AppContext bound to
 * an application's area, and running an application's command as one atomic group.
 */
import type { CommandApdu, DecodedCommand } from '../../protocol/apdu.ts';
import { hex } from '../../protocol/bytes.ts';
import { CARD_MANAGER_AID, encodeFci } from '../../protocol/commands/select.ts';
import { SW } from '../../protocol/status-words.ts';
import type { AppContext, CardApplication } from '../app-api.ts';
import type { ApSlot } from '../ap-table.ts';
import { sameBytes } from '../crypto.ts';
import type { CardOs } from '../os.ts';
import { Refusal, refuse, reply, type Reply } from '../session.ts';
import { valueAccess } from '../value-access.ts';

export function select(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0x04 || (c.p2 !== 0x00 && c.p2 !== 0x0c)) refuse(SW.INCORRECT_P1P2);
  if (c.data.length < 5 || c.data.length > 16) refuse(SW.WRONG_LENGTH);
  const fci = c.p2 === 0x0c ? undefined : encodeFci(c.data);
  if (sameBytes(c.data, CARD_MANAGER_AID)) {
    os.session.selected = undefined;
    return reply(fci);
  }
  const slot = os.store.apTable().findIndex((s) => s.size > 0 && sameBytes(s.aid, c.data) && os.apps.has(hex(s.aid)));
  if (slot < 0) refuse(SW.FILE_NOT_FOUND);
  os.session.selected = slot;
  return reply(fci);
}

/** The application's window on the card (app-api.ts). `onLockedWrite` learns of writes refused during a backup or restore session. */
export function appContext(os: CardOs, slot: number, s: ApSlot, onLockedWrite: () => void = () => {}): AppContext {
  const inside = (offset: number, length: number) => {
    if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 0 || offset + length > s.size)
      throw new RangeError(`outside the application's area: ${offset}+${length} of ${s.size}`);
  };
  return {
    areaSize: s.size,
    read(offset, length) {
      inside(offset, length);
      return os.store.read(s.offset + offset, length);
    },
    write(offset, bytes) {
      inside(offset, bytes.length);
      if (os.memoryLocked) {
        onLockedWrite();
        refuse(SW.CONDITIONS_NOT_SATISFIED, 'backup or restore in progress');
      }
      os.store.write(s.offset + offset, bytes);
    },
    atomic: (fn) => os.eeprom.atomic(fn),
    wasRestored: () => os.store.restoreFlag(slot),
    clearRestored: () => os.store.setRestoreFlag(slot, false),
    pinVerified: () => os.session.pinVerified,
    value: valueAccess(os, s.aid),
  };
}

export function selectedApp(os: CardOs): { slot: number; s: ApSlot; app: CardApplication } | undefined {
  const slot = os.session.selected;
  if (slot === undefined) return undefined;
  const s = os.store.apTable()[slot];
  const app = s && os.apps.get(hex(s.aid));
  return s && app ? { slot, s, app } : undefined;
}

/**
 * One application command = one atomic group: a refused or failed command leaves the
 * memory as it was, and a power cut leaves all of its writes or none.
 */
export function processAppCommand(os: CardOs, c: DecodedCommand): Reply {
  const sel = selectedApp(os);
  if (!sel) refuse(SW.FILE_NOT_FOUND);
  // Restore pending (a restore was cut off): applications wait for a completed restore.
  if (os.store.restorePending) refuse(SW.CONDITIONS_NOT_SATISFIED, 'restore pending');
  let locked = false;
  const ctx = appContext(os, sel.slot, sel.s, () => (locked = true));
  const cmd: CommandApdu = { cla: c.cla, ins: c.ins, p1: c.p1, p2: c.p2, data: c.data, ne: c.ne };
  const r = os.eeprom.atomic(() => {
    const out = sel.app.process(cmd, ctx);
    // An application that swallowed the refusal still gets no write in (fig. 14, 131).
    if (locked) throw new Refusal(SW.CONDITIONS_NOT_SATISFIED, 'backup or restore in progress');
    return out;
  });
  return reply(r.data, r.sw);
}
