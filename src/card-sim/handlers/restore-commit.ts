/**
 * Writing a checked restore. Two steps through the write path:
 *   1. "restore pending" is set (one byte, its own group);
 *   2. one journaled group writes every page (except the card's own identity block),
 *      the page versions, the point, clears the changed table (fig. 19, 182), sets the
 *      restore-executed flags (181 all applications; 174 for a diff step only those
 *      whose area was written), records the load (claims 18-23) and clears "pending".
 * A power cut before the group's commit flag leaves the old memory with "restore
 * pending" set: applications refuse until a restore completes. A cut after it is
 * redone at power-on: the new state.
 */
import { SW } from '../../protocol/status-words.ts';
import type { CardOs } from '../os.ts';
import { refuse, type RestoreSession } from '../session.ts';

export function commitRestore(os: CardOs, r: RestoreSession, map: Uint32Array, date: number): void {
  const s = os.store;
  const l = os.layout;
  const h = r.header;
  const whole = !(r.mode === 'replay' && h.kind === 'diff');
  if (os.session.backup) refuse(SW.CONDITIONS_NOT_SATISFIED);
  s.restorePending = true;
  os.eeprom.atomic(() => {
    const written: number[] = [];
    for (const [page, content] of [...r.staged].sort((a, b) => a[0] - b[0])) {
      if (page * l.pageSize < l.identitySize) continue; // the card keeps its own identity block
      s.writeUnmarked(page * l.pageSize, content);
      written.push(page);
    }
    s.setPageVersions(map);
    s.clearChanged();
    s.point = { card: h.cardNumber, seq: h.seq };
    s.apTable().forEach((slot, i) => {
      const hit = written.some((p) => p * l.pageSize < slot.offset + slot.size && (p + 1) * l.pageSize > slot.offset);
      if (slot.size > 0 && (whole || hit)) s.setRestoreFlag(i, true);
    });
    s.recordLoad({ date, what: whole ? 'restore-full' : 'restore-diff', aid: '', amount: written.length });
    s.restorePending = false;
  });
  // The restored AP table may list other applications: start again from the card manager.
  os.session.selected = undefined;
}
