/**
 * RESTORE (fig. 17, 110), protocol version 2: authenticate the backup's control
 * information and find the key that opens it, before a single record is accepted.
 *   data = wrapped key v2 (99) ‖ header (126) ‖ the source card's header signature (64)
 *          [‖ the issuer's restore authorisation (239), P1 01 only]
 *   same card (P1 00, 162-164): the header names this card and the wrapped key and
 *     header carry this card's signature; the card opens it with its own unique key (the
 *     wrapped key is the issuer's copy: only the epoch key opens it, no card does).
 *   other card (P1 01, 165-167): the issuer's authorisation, signed by this card's
 *     epoch key, names this card, the header's hash and this card's authorisation
 *     counter + 1, and carries the source's unique key sealed to this card and the
 *     source's signing key; the counter is moved on at once, so it works once.
 *   Either way a backup of an epoch below the card's minimum is refused (6984).
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { decodeHeader, encodeHeaderBody, headerHash, HEADER_BYTES, type BackupHeader } from '../../protocol/backup-format.ts';
import type { RestoreMode } from '../../protocol/commands/restore.ts';
import { SW } from '../../protocol/status-words.ts';
import { AUTHORISATION_V2_BYTES, checkAuthorisationV2, decodeAuthorisationV2, openRestoreKey, type AuthorisationCheck } from '../../protocol/trust/authorisation.ts';
import { BACKUP_DATA_PREFIX_BYTES } from '../../protocol/trust/backup-data.ts';
import { verifyHeaderSignature } from '../../protocol/trust/header-signature.ts';
import { decodeWrappedKeyV2, WRAPPED_KEY_V2_BYTES } from '../../protocol/trust/wrapped-key.ts';
import { cardPublicKeys } from '../card-keys.ts';
import { headerTagValid } from '../crypto.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';

const MODES: readonly RestoreMode[] = ['compacted', 'replay', 'verify'];
const HEADER_AT = WRAPPED_KEY_V2_BYTES;
const SIGNATURE_AT = WRAPPED_KEY_V2_BYTES + HEADER_BYTES;

/** How the card answers each refused authorisation. */
const AUTHORISATION_REFUSAL: Record<Exclude<AuthorisationCheck, 'ok'>, [number, string]> = {
  signature: [SW.SECURITY_NOT_SATISFIED, 'authorisation not signed by the epoch key'],
  issuer: [SW.WRONG_DATA, 'authorisation of another issuer'],
  epoch: [SW.DATA_INVALID, 'authorisation of another epoch'],
  'not-this-card': [SW.REFERENCE_NOT_FOUND, 'authorisation for another target card'],
  'chain-head': [SW.SECURITY_NOT_SATISFIED, 'authorisation for another point'],
  replayed: [SW.DATA_INVALID, 'authorisation already used (counter)'],
  key: [SW.INCORRECT_SM_DATA, 'restore key does not open'],
};

export function restoreStart(os: CardOs, c: DecodedCommand): Reply {
  const mode = MODES[c.p2];
  if (c.p1 > 1 || !mode) refuse(SW.INCORRECT_P1P2);
  const target = c.p1 === 0 ? 'same' : 'other';
  const id = os.initialised();
  os.requirePin();
  if (os.session.backup) refuse(SW.CONDITIONS_NOT_SATISFIED, 'backup in progress');
  os.session.restore = undefined; // a new RESTORE starts over
  const withAuthorisation = c.data.length === BACKUP_DATA_PREFIX_BYTES + AUTHORISATION_V2_BYTES;
  if (c.data.length !== BACKUP_DATA_PREFIX_BYTES && !withAuthorisation) refuse(SW.WRONG_LENGTH);
  if (target === 'same' && withAuthorisation) refuse(SW.WRONG_LENGTH, 'an authorisation goes only with P1 01');
  const wrappedKey = c.data.subarray(0, HEADER_AT);
  const w = decodeWrappedKeyV2(wrappedKey);
  const headerBytes = c.data.slice(HEADER_AT, SIGNATURE_AT);
  const signature = c.data.subarray(SIGNATURE_AT, BACKUP_DATA_PREFIX_BYTES);
  const h = decodeHeader(headerBytes);
  if (!w.ok || !h.ok) refuse(SW.WRONG_DATA, 'wrapped key or header malformed');
  const hd = h.value;
  // The wrapped key must be the one of the card and epoch the header names.
  if (w.value.issuer !== hd.issuer || w.value.epoch !== hd.epoch || w.value.cardNumber !== hd.cardNumber) refuse(SW.WRONG_DATA, 'wrapped key of another backup');
  if (hd.issuer !== id.issuer) refuse(SW.DATA_INVALID, 'another issuer');
  if (hd.epoch < id.minEpoch) refuse(SW.DATA_INVALID, `epoch ${hd.epoch} is retired (minimum ${id.minEpoch})`);
  if (hd.memorySize !== os.layout.memorySize || hd.pageSize !== os.layout.pageSize) refuse(SW.NOT_ENOUGH_MEMORY, 'memory layout differs');
  // Every check that needs no key comes before an authorisation is accepted (and used up).
  if (target === 'same' && hd.cardNumber !== id.cardNumber) refuse(SW.REFERENCE_NOT_FOUND, 'not this card (fig. 17, 164)');
  if (target === 'other' && hd.cardNumber === id.cardNumber) refuse(SW.INCORRECT_P1P2, "this card's own backup: use P1 00");
  if (target === 'other' && !withAuthorisation) refuse(SW.SECURITY_NOT_SATISFIED, 'no issuer authorisation');
  if (mode === 'replay' && hd.kind === 'diff') {
    // Claim 15: each diff applies on exactly the point the previous step restored, untouched since.
    const p = os.store.point;
    if (p.card !== hd.cardNumber || p.seq !== hd.baseSeq || os.store.changedPages().length > 0)
      refuse(SW.CONDITIONS_NOT_SATISFIED, 'diff step does not follow the restored point');
  }
  const hash = headerHash(headerBytes);
  let key: Uint8Array;
  if (target === 'same') {
    if (!verifyHeaderSignature(cardPublicKeys(id).signingPublicKey, wrappedKey, headerBytes, signature)) refuse(SW.INCORRECT_SM_DATA, "header does not carry this card's signature");
    key = id.uniqueKey;
  } else {
    key = acceptAuthorisation(os, hd, hash, { wrappedKey, headerBytes, signature }, c.data.subarray(BACKUP_DATA_PREFIX_BYTES));
  }
  if (!headerTagValid(key, encodeHeaderBody(hd), hd.seq, hd.tag)) refuse(SW.INCORRECT_SM_DATA, 'header does not authenticate');
  // This card never made a backup numbered above its counter.
  if (target === 'same' && hd.seq > os.store.counter) refuse(SW.INCORRECT_SM_DATA, 'seq beyond the counter');
  os.session.restore = { target, mode, header: hd, headerHash: hash, key, staged: new Map(), seqOf: new Map() };
  return reply();
}

/**
 * Fig. 9 (070) / fig. 17 (165), version 2: the source's key, if the issuer's authorisation
 * is genuine, for this card, this point and this card's next counter. The counter is
 * written before anything else is accepted (one atomic u32 write), so a replay of the same
 * authorisation, even after a power cut or an aborted restore, is refused.
 */
function acceptAuthorisation(os: CardOs, hd: BackupHeader, hash: Uint8Array, signed: { wrappedKey: Uint8Array; headerBytes: Uint8Array; signature: Uint8Array }, bytes: Uint8Array): Uint8Array {
  const a = decodeAuthorisationV2(bytes);
  if (!a.ok) refuse(SW.WRONG_DATA, 'authorisation malformed');
  const t = os.trust();
  const check = checkAuthorisationV2(t.epochSigningPublicKey, a.value, {
    issuer: t.issuer,
    epoch: t.epoch,
    targetCardNumber: t.cardNumber,
    chainHead: hash,
    authorisationCounter: os.store.authorisationCounter,
  });
  if (check !== 'ok') refuse(...AUTHORISATION_REFUSAL[check]);
  if (a.value.sourceCardNumber !== hd.cardNumber) refuse(SW.WRONG_DATA, 'authorisation for another source card');
  if (!verifyHeaderSignature(a.value.sourceSigningPublicKey, signed.wrappedKey, signed.headerBytes, signed.signature)) refuse(SW.INCORRECT_SM_DATA, "header does not carry the source card's signature");
  const key = openRestoreKey(t.cardKemSecretKey, a.value);
  if (!key) refuse(...AUTHORISATION_REFUSAL.key);
  os.eeprom.atomic(() => {
    os.store.authorisationCounter = a.value.targetCounter;
  });
  return key;
}
