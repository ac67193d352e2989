/**
 * BACKUP (fig. 14), BACKUP DATA TRANSFER (fig. 15), BACKUP COMPLETE (fig. 16), BACKUP ABORT.
 * BACKUP answers the backup data's prefix of version 2 (src/protocol/trust/backup-data.ts):
 * wrapped key v2 (99) ‖ header (126) ‖ the card's signature over the header (64).
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import {
  encodeHeaderBody,
  encodeSegment,
  headerHash,
  kindFromCode,
  pageMapHash,
  recordsThatFit,
  type BackupHeaderFields,
} from '../../protocol/backup-format.ts';
import { concat, readU64be } from '../../protocol/bytes.ts';
import { SW } from '../../protocol/status-words.ts';
import { headerTag, sameBytes, sealPage } from '../crypto.ts';
import { signHeader } from '../../protocol/trust/header-signature.ts';
import { encodeWrappedKeyV2, wrapUniqueKey } from '../../protocol/trust/wrapped-key.ts';
import { redactSecrets } from '../identity.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';

export function backupStart(os: CardOs, c: DecodedCommand): Reply {
  const kind = kindFromCode(c.p1);
  if (!kind || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (c.data.length !== 8) refuse(SW.WRONG_LENGTH);
  const date = readU64be(c.data, 0);
  if (!Number.isSafeInteger(date)) refuse(SW.WRONG_DATA, 'date beyond 2^53 ms');
  const id = os.initialised();
  os.requirePin();
  const s = os.store;
  if (s.restorePending || os.session.backup || os.session.restore) refuse(SW.CONDITIONS_NOT_SATISFIED);
  const current = s.currentPoint(id.cardNumber);
  // A diff is relative to the card's current point; without one only a full backup makes sense.
  if (kind === 'diff' && current === 0) refuse(SW.CONDITIONS_NOT_SATISFIED, 'no current point for a diff');
  if (s.counter >= 0xffffffff) refuse(SW.CONDITIONS_NOT_SATISFIED, 'backup counter exhausted');
  const seq = s.counter + 1;
  const l = os.layout;
  const pages = kind === 'full' ? Array.from({ length: l.pageCount }, (_, i) => i) : s.changedPages();
  const newVersions = s.pageVersions();
  for (const p of pages) newVersions[p] = seq;
  const ctx = os.keyContext(id);
  const fields: BackupHeaderFields = {
    ...ctx,
    kind,
    seq,
    baseSeq: kind === 'diff' ? current : 0,
    date,
    prevHash: s.chainHead,
    memorySize: l.memorySize,
    pageSize: l.pageSize,
    recordCount: pages.length,
    pageMapHash: pageMapHash(newVersions),
  };
  const body = encodeHeaderBody(fields);
  const header = concat(body, headerTag(id.uniqueKey, body, seq));
  // Version 2: the key goes to the issuer's epoch key only (HPKE), never to a common key
  // of the fleet, and the card signs the header so anyone with its certificate can check it.
  const t = os.trust();
  const wrapped = encodeWrappedKeyV2(wrapUniqueKey(t.epochKemPublicKey, ctx, id.uniqueKey, os.random(32)));
  const signature = signHeader(t.cardSigningSecretKey, wrapped, header);
  // The counter is committed before anything leaves the card: a seq (and so a nonce) is never reused.
  s.counter = seq;
  os.session.backup = { kind, seq, ctx, key: id.uniqueKey, pages, next: 0, started: false, headerHash: headerHash(header), newVersions };
  return reply(concat(wrapped, header, signature));
}

/** Page content as a backup carries it: the identity block's secrets sealed as zeros. */
function backupContent(os: CardOs, page: number): Uint8Array {
  const bytes = os.store.readPage(page);
  const at = page * os.layout.pageSize;
  return at < os.layout.identitySize ? redactSecrets(bytes, at) : bytes;
}

export function backupTransfer(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (c.data.length !== 0) refuse(SW.WRONG_LENGTH);
  const b = os.session.backup;
  if (!b || (b.started && b.next >= b.pages.length)) refuse(SW.CONDITIONS_NOT_SATISFIED, 'no backup data to send');
  b.started = true;
  if (b.pages.length === 0) return reply();
  // One segment per answer, as many records as the answer can hold: Ne on an extended
  // link, the response buffer (then 61xx/GET RESPONSE) on a short one.
  const ne = c.ne === 0 ? 256 : c.ne;
  const room = c.extended ? ne : Math.max(ne, os.link.responseBufferSize);
  const n = Math.min(recordsThatFit(room, os.layout.pageSize), b.pages.length - b.next);
  if (n === 0) refuse(SW.WRONG_LENGTH, 'Ne too small for one record');
  const pages = b.pages.slice(b.next, b.next + n);
  const records = pages.map((page) => ({ page, sealed: sealPage(b.key, b.ctx, b.seq, b.kind, page, backupContent(os, page)) }));
  b.next += n;
  return reply(encodeSegment({ seq: b.seq, kind: b.kind, records }), b.next < b.pages.length ? SW.MORE_DATA : SW.OK);
}

export function backupComplete(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (c.data.length !== 32) refuse(SW.WRONG_LENGTH);
  const b = os.session.backup;
  if (!b || !b.started || b.next < b.pages.length) refuse(SW.CONDITIONS_NOT_SATISFIED, 'backup data not all sent');
  if (!sameBytes(c.data, b.headerHash)) refuse(SW.WRONG_DATA, 'not the header of this backup');
  const s = os.store;
  os.eeprom.atomic(() => {
    s.setPageVersions(b.newVersions);
    s.clearChanged(); // fig. 16, 150
    s.chainHead = b.headerHash;
    s.point = { card: b.ctx.cardNumber, seq: b.seq };
  });
  os.session.backup = undefined; // 151
  return reply();
}

export function backupAbort(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (!os.session.backup) refuse(SW.CONDITIONS_NOT_SATISFIED);
  os.session.backup = undefined;
  return reply();
}
