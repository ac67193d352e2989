/**
 * EPOCH UPDATE 80 D4 00 00 (protocol version 2, docs/trust.md "Epochs"): the issuer moves
 * a card to a newer epoch key.
 *   data = epoch certificate (141, signed by the issuer's root)
 *        ‖ card certificate (147, this card's own keys and number, signed by that epoch)
 * The card then wraps its next backups to the new epoch's key and refuses backups of
 * epochs below the certificate's minEpoch. No PIN: both parts are self-authenticating.
 */
import { command, type CommandApdu } from '../apdu.ts';
import { concat } from '../bytes.ts';
import { CARD_CERTIFICATE_BYTES, EPOCH_CERTIFICATE_BYTES } from '../trust/certificates.ts';
import { expectEmpty } from './card-error.ts';
import { CLA_PROPRIETARY, INS } from './codes.ts';

export const EPOCH_UPDATE_BYTES = EPOCH_CERTIFICATE_BYTES + CARD_CERTIFICATE_BYTES; // 288

export const epochUpdate = {
  getApdu(epochCertificate: Uint8Array, cardCertificate: Uint8Array): CommandApdu {
    if (epochCertificate.length !== EPOCH_CERTIFICATE_BYTES || cardCertificate.length !== CARD_CERTIFICATE_BYTES)
      throw new RangeError(`EPOCH UPDATE: certificates must be ${EPOCH_CERTIFICATE_BYTES} and ${CARD_CERTIFICATE_BYTES} bytes`);
    return command(CLA_PROPRIETARY, INS.EPOCH_UPDATE, 0x00, 0x00, concat(epochCertificate, cardCertificate));
  },
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'EPOCH UPDATE'),
};
