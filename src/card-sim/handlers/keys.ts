/**
 * KEY EXPORT / KEY IMPORT (claim 8, 011/012). Export: the unique key wrapped under the
 * common key (fresh nonce). Import: adopt another card's unique key, only with the
 * issuer's authorisation for (source card, this card, SHA-256 of the wrapped key);
 * afterwards RESTORE P1 01 of that source needs no per-point authorisation, and works
 * even once this card no longer holds the source's key epoch.
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { AUTHORISATION_BYTES, decodeAuthorisation, decodeWrappedKey, encodeWrappedKey, WRAPPED_KEY_BYTES } from '../../protocol/backup-format.ts';
import { keyImportPointHash, verifyAuthorisation } from '../../protocol/commands/authorisation.ts';
import { SW } from '../../protocol/status-words.ts';
import { sameBytes, unwrapKey, wrapKey } from '../crypto.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';

export function keyExport(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (c.data.length !== 0) refuse(SW.WRONG_LENGTH);
  const id = os.initialised();
  os.requirePin();
  return reply(encodeWrappedKey(wrapKey(id.commonKey, os.keyContext(id), id.uniqueKey, os.random(12))));
}

export function keyImport(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (c.data.length !== WRAPPED_KEY_BYTES + AUTHORISATION_BYTES) refuse(SW.WRONG_LENGTH);
  const id = os.initialised();
  os.requirePin();
  os.requireMemoryUnlocked();
  const wBytes = c.data.subarray(0, WRAPPED_KEY_BYTES);
  const w = decodeWrappedKey(wBytes);
  const a = decodeAuthorisation(c.data.subarray(WRAPPED_KEY_BYTES));
  if (!w.ok || !a.ok) refuse(SW.WRONG_DATA);
  if (w.value.cardNumber === id.cardNumber) refuse(SW.WRONG_DATA, 'own key');
  if (a.value.targetCard !== id.cardNumber) refuse(SW.REFERENCE_NOT_FOUND, 'authorisation for another card');
  if (w.value.issuer !== id.issuer) refuse(SW.DATA_INVALID, 'another issuer');
  const v = a.value;
  const fits = v.issuer === id.issuer && v.epoch === w.value.epoch && v.sourceCard === w.value.cardNumber && sameBytes(v.pointHash, keyImportPointHash(wBytes));
  if (!fits || !verifyAuthorisation(id.issuerPublicKey, v)) refuse(SW.SECURITY_NOT_SATISFIED, 'authorisation refused');
  if (w.value.epoch !== id.epoch) refuse(SW.REFERENCE_NOT_FOUND, 'epoch not held');
  const key = unwrapKey(id.commonKey, w.value);
  if (!key) refuse(SW.INCORRECT_SM_DATA);
  os.store.writeIdentity({ ...id, adopted: { sourceCard: w.value.cardNumber, key } });
  return reply();
}
