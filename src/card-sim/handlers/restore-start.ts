/**
 * RESTORE (fig. 17, 110): authenticate the backup's control information and find the
 * key that opens it, before a single record is accepted.
 *   same card (P1 00, 162-164): the header names this card; the wrapped key must
 *     unwrap (common key of the header's epoch) to this card's own unique key.
 *   other card (P1 01, 165-167): the issuer's authorisation names (source, this card,
 *     header hash); the source card's key is unwrapped with the common key, or is the
 *     key this card adopted by KEY IMPORT (claim 8).
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import {
  AUTHORISATION_BYTES,
  decodeAuthorisation,
  decodeHeader,
  decodeWrappedKey,
  encodeHeaderBody,
  headerHash,
  HEADER_BYTES,
  WRAPPED_KEY_BYTES,
  type BackupHeader,
  type WrappedKey,
} from '../../protocol/backup-format.ts';
import { verifyAuthorisation } from '../../protocol/commands/authorisation.ts';
import type { RestoreMode } from '../../protocol/commands/restore.ts';
import { SW } from '../../protocol/status-words.ts';
import { headerTagValid, sameBytes, unwrapKey } from '../crypto.ts';
import type { Identity } from '../identity.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';

const MODES: readonly RestoreMode[] = ['compacted', 'replay', 'verify'];
const BASE = WRAPPED_KEY_BYTES + HEADER_BYTES;

export function restoreStart(os: CardOs, c: DecodedCommand): Reply {
  const mode = MODES[c.p2];
  if (c.p1 > 1 || !mode) refuse(SW.INCORRECT_P1P2);
  const target = c.p1 === 0 ? 'same' : 'other';
  const id = os.initialised();
  os.requirePin();
  if (os.session.backup) refuse(SW.CONDITIONS_NOT_SATISFIED, 'backup in progress');
  os.session.restore = undefined; // a new RESTORE starts over
  if (c.data.length !== BASE && !(target === 'other' && c.data.length === BASE + AUTHORISATION_BYTES)) refuse(SW.WRONG_LENGTH);
  const w = decodeWrappedKey(c.data.subarray(0, WRAPPED_KEY_BYTES));
  const headerBytes = c.data.slice(WRAPPED_KEY_BYTES, BASE);
  const h = decodeHeader(headerBytes);
  if (!w.ok || !h.ok) refuse(SW.WRONG_DATA, 'wrapped key or header malformed');
  const wk = w.value;
  const hd = h.value;
  // The wrapped key must be the one of the card and epoch the header names.
  if (wk.issuer !== hd.issuer || wk.epoch !== hd.epoch || wk.cardNumber !== hd.cardNumber) refuse(SW.WRONG_DATA, 'wrapped key of another backup');
  if (hd.issuer !== id.issuer) refuse(SW.DATA_INVALID, 'another issuer');
  if (hd.memorySize !== os.layout.memorySize || hd.pageSize !== os.layout.pageSize) refuse(SW.NOT_ENOUGH_MEMORY, 'memory layout differs');
  const hash = headerHash(headerBytes);
  if (target === 'same' && hd.cardNumber !== id.cardNumber) refuse(SW.REFERENCE_NOT_FOUND, 'not this card (fig. 17, 164)');
  if (target === 'other') {
    if (hd.cardNumber === id.cardNumber) refuse(SW.INCORRECT_P1P2, "this card's own backup: use P1 00");
    checkAuthorisation(id, hd, hash, c.data.subarray(BASE));
  }
  const key = resolveKey(id, hd, wk, target);
  if (!headerTagValid(key, encodeHeaderBody(hd), hd.seq, hd.tag)) refuse(SW.INCORRECT_SM_DATA, 'header does not authenticate');
  // This card never made a backup numbered above its counter.
  if (target === 'same' && hd.seq > os.store.counter) refuse(SW.INCORRECT_SM_DATA, 'seq beyond the counter');
  if (mode === 'replay' && hd.kind === 'diff') {
    // Claim 15: each diff applies on exactly the point the previous step restored, untouched since.
    const p = os.store.point;
    if (p.card !== hd.cardNumber || p.seq !== hd.baseSeq || os.store.changedPages().length > 0)
      refuse(SW.CONDITIONS_NOT_SATISFIED, 'diff step does not follow the restored point');
  }
  os.session.restore = { target, mode, header: hd, headerHash: hash, key, staged: new Map(), seqOf: new Map() };
  return reply();
}

function checkAuthorisation(id: Identity, hd: BackupHeader, hash: Uint8Array, bytes: Uint8Array): void {
  if (bytes.length === 0) {
    // Without a per-point authorisation only a source whose key this card imported (claim 8).
    if (id.adopted?.sourceCard !== hd.cardNumber) refuse(SW.SECURITY_NOT_SATISFIED, 'no issuer authorisation');
    return;
  }
  const a = decodeAuthorisation(bytes);
  if (!a.ok) refuse(SW.WRONG_DATA, 'authorisation malformed');
  // Fig. 9 (070) / fig. 17 (165): the restore data must name this card as its target.
  if (a.value.targetCard !== id.cardNumber) refuse(SW.REFERENCE_NOT_FOUND, 'authorisation for another target card');
  const v = a.value;
  const fits = v.issuer === id.issuer && v.epoch === hd.epoch && v.sourceCard === hd.cardNumber && sameBytes(v.pointHash, hash);
  if (!fits || !verifyAuthorisation(id.issuerPublicKey, v)) refuse(SW.SECURITY_NOT_SATISFIED, 'authorisation refused');
}

function resolveKey(id: Identity, hd: BackupHeader, wk: WrappedKey, target: 'same' | 'other'): Uint8Array {
  const unwrapped = hd.epoch === id.epoch ? unwrapKey(id.commonKey, wk) : undefined;
  if (hd.epoch === id.epoch && !unwrapped) refuse(SW.INCORRECT_SM_DATA, 'wrapped key does not open');
  const adopted = target === 'other' && id.adopted?.sourceCard === hd.cardNumber ? id.adopted.key : undefined;
  const key = unwrapped ?? adopted;
  if (!key) refuse(SW.REFERENCE_NOT_FOUND, `common key of epoch ${hd.epoch} not held`);
  if (adopted && unwrapped && !sameBytes(adopted, unwrapped)) refuse(SW.INCORRECT_SM_DATA, 'adopted key differs');
  if (target === 'same' && !sameBytes(key, id.uniqueKey)) refuse(SW.INCORRECT_SM_DATA, "not this card's key");
  return key;
}
