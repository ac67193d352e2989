/**
 * EPOCH UPDATE 80 D4 00 00 (docs/trust.md "Epochs", as GlobalPlatform SCP11 moves a key
 * version): the card takes a newer epoch key certified by its root, with its own
 * certificate re-signed by that epoch. Its next backups are wrapped to the new epoch's
 * key; backups of epochs below the certificate's minEpoch are refused from then on (the
 * minimum never goes back). The identity block is written in one atomic group, with the
 * card's point set to none and every page marked changed: a diff leaves every page it
 * does not carry to its base, and a page opens only under the epoch its header names, so
 * a diff of the new epoch on a base of the old one could never be restored (found by the
 * model: docs/model.md P_RESTORABLE). The next backup of the new epoch is full (a diff is
 * refused, 6985, as on a card never backed up).
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { EPOCH_UPDATE_BYTES } from '../../protocol/commands/epoch.ts';
import { SW } from '../../protocol/status-words.ts';
import {
  decodeCardCertificate,
  decodeEpochCertificate,
  EPOCH_CERTIFICATE_BYTES,
  verifyCardCertificate,
  verifyEpochCertificate,
} from '../../protocol/trust/certificates.ts';
import { cardPublicKeys } from '../card-keys.ts';
import { sameBytes } from '../crypto.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';

export function epochUpdate(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (c.data.length !== EPOCH_UPDATE_BYTES) refuse(SW.WRONG_LENGTH, `expected ${EPOCH_UPDATE_BYTES} bytes`);
  const id = os.initialised();
  os.requireMemoryUnlocked();
  const e = decodeEpochCertificate(c.data.subarray(0, EPOCH_CERTIFICATE_BYTES));
  const cc = decodeCardCertificate(c.data.subarray(EPOCH_CERTIFICATE_BYTES));
  if (!e.ok || !cc.ok) refuse(SW.WRONG_DATA, 'certificate malformed');
  if (!verifyEpochCertificate(id.rootPublicKey, e.value)) refuse(SW.SECURITY_NOT_SATISFIED, "epoch certificate not signed by this card's root");
  if (e.value.issuer !== id.issuer) refuse(SW.WRONG_DATA, 'another issuer');
  if (e.value.epoch <= id.epoch) refuse(SW.DATA_INVALID, `epoch ${e.value.epoch} is not newer than ${id.epoch}`);
  if (!verifyCardCertificate(e.value, cc.value)) refuse(SW.SECURITY_NOT_SATISFIED, 'card certificate not signed by the new epoch key');
  const own = cardPublicKeys(id);
  const mine = cc.value.cardNumber === id.cardNumber && sameBytes(cc.value.signingPublicKey, own.signingPublicKey) && sameBytes(cc.value.kemPublicKey, own.kemPublicKey);
  if (!mine) refuse(SW.REFERENCE_NOT_FOUND, "the certificate names another card's keys");
  os.eeprom.atomic(() => {
    os.store.writeIdentity({
      ...id,
      epoch: e.value.epoch,
      minEpoch: Math.max(id.minEpoch, e.value.minEpoch),
      cardCertificate: c.data.slice(EPOCH_CERTIFICATE_BYTES),
      epochCertificate: c.data.slice(0, EPOCH_CERTIFICATE_BYTES),
    });
    os.store.point = { card: id.cardNumber, seq: 0 };
    os.store.markAllChanged();
  });
  return reply();
}
