/**
 * RESTORE DATA TRANSFER (fig. 18, 111) and RESTORE COMPLETE (fig. 19, 112), RESTORE ABORT.
 * Records are opened and staged in RAM; nothing is written until COMPLETE has checked
 * the whole set (every page once, the page map hash of the point). Any refusal ends
 * the restore session: the host starts again from RESTORE.
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { decodeSegments, pageMapHash } from '../../protocol/backup-format.ts';
import { readU64be } from '../../protocol/bytes.ts';
import { SW } from '../../protocol/status-words.ts';
import { openPage, sameBytes } from '../crypto.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply, type RestoreSession } from '../session.ts';
import { commitRestore } from './restore-commit.ts';

function session(os: CardOs, c: DecodedCommand): RestoreSession {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  const r = os.session.restore;
  if (!r) refuse(SW.CONDITIONS_NOT_SATISFIED, 'no restore in progress');
  return r;
}

export function restoreTransfer(os: CardOs, c: DecodedCommand): Reply {
  const r = session(os, c);
  if (c.data.length === 0) refuse(SW.WRONG_LENGTH);
  const h = r.header;
  const segs = decodeSegments(c.data, os.layout.pageSize);
  if (!segs.ok) refuse(SW.WRONG_DATA, segs.error.message);
  const ctx = { issuer: h.issuer, epoch: h.epoch, cardNumber: h.cardNumber };
  for (const seg of segs.value) {
    // Replay: every record is this backup's. Compacted: any backup of the chain up to the point.
    const fits = r.mode === 'replay' ? seg.seq === h.seq && seg.kind === h.kind : seg.seq >= 1 && seg.seq <= h.seq;
    if (!fits) refuse(SW.INCORRECT_SM_DATA, `segment of seq ${seg.seq} does not belong to this restore`);
    for (const rec of seg.records) {
      if (rec.page >= os.layout.pageCount) refuse(SW.WRONG_DATA, `page ${rec.page} beyond memory`);
      if (r.staged.has(rec.page)) refuse(SW.INCORRECT_SM_DATA, `page ${rec.page} sent twice`);
      const content = openPage(r.key, ctx, seg.seq, seg.kind, rec.page, rec.sealed, os.layout.pageSize);
      if (!content) refuse(SW.INCORRECT_SM_DATA, `record for page ${rec.page} does not authenticate`);
      r.staged.set(rec.page, content);
      r.seqOf.set(rec.page, seg.seq);
    }
  }
  return reply();
}

/** The page map the staged set stands for, or a refusal if the set is not exactly the point's. */
function stagedMap(os: CardOs, r: RestoreSession): Uint32Array {
  const h = r.header;
  const n = os.layout.pageCount;
  const diffStep = r.mode === 'replay' && h.kind === 'diff';
  if (r.staged.size !== (diffStep ? h.recordCount : n)) refuse(SW.INCORRECT_SM_DATA, 'pages missing');
  const map = diffStep ? os.store.pageVersions() : new Uint32Array(n);
  for (const [page, seq] of r.seqOf) map[page] = seq;
  if (!sameBytes(pageMapHash(map), h.pageMapHash)) refuse(SW.INCORRECT_SM_DATA, 'page set is not the point of the header');
  return map;
}

export function restoreComplete(os: CardOs, c: DecodedCommand): Reply {
  const r = session(os, c);
  if (c.data.length !== 8) refuse(SW.WRONG_LENGTH);
  const date = readU64be(c.data, 0);
  if (!Number.isSafeInteger(date)) refuse(SW.WRONG_DATA);
  const map = stagedMap(os, r);
  os.session.restore = undefined;
  if (r.mode !== 'verify') commitRestore(os, r, map, date);
  return reply();
}

export function restoreAbort(os: CardOs, c: DecodedCommand): Reply {
  session(os, c);
  os.session.restore = undefined;
  return reply();
}
