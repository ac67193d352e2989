/**
 * INTERNAL AUTHENTICATE `00 88 00 00 Lc challenge Le 64` (ISO 7816-4 §11.5.2): the card
 * signs `CARD_AUTH_TAG ‖ card number ‖ challenge` (src/protocol/trust/card-auth.ts) with
 * its own Ed25519 key, so a host or an issuer tells a genuine card from a copy.
 */
import { command, type CommandApdu } from '../apdu.ts';
import { CARD_CHALLENGE_MAX_BYTES, CARD_CHALLENGE_MIN_BYTES } from '../trust/card-auth.ts';
import { SIGNATURE_BYTES } from '../trust/codec.ts';
import { badResponse, checkSw } from './card-error.ts';
import { CLA_ISO, INS } from './codes.ts';

export const internalAuthenticate = {
  getApdu(challenge: Uint8Array): CommandApdu {
    if (challenge.length < CARD_CHALLENGE_MIN_BYTES || challenge.length > CARD_CHALLENGE_MAX_BYTES)
      throw new RangeError(`INTERNAL AUTHENTICATE: challenge must be ${CARD_CHALLENGE_MIN_BYTES}-${CARD_CHALLENGE_MAX_BYTES} bytes, got ${challenge.length}`);
    return command(CLA_ISO, INS.INTERNAL_AUTHENTICATE, 0x00, 0x00, challenge, SIGNATURE_BYTES);
  },
  /** The card's 64-byte Ed25519 signature. */
  parseResponse(response: Uint8Array): Uint8Array {
    const { data } = checkSw(response, 'INTERNAL AUTHENTICATE');
    if (data.length !== SIGNATURE_BYTES) throw badResponse('INTERNAL AUTHENTICATE', `expected a ${SIGNATURE_BYTES}-byte signature, got ${data.length} bytes`);
    return data.slice();
  },
};
