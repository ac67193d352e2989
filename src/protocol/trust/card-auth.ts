/**
 * Card authentication (INTERNAL AUTHENTICATE 00 88, docs/protocol.md): the card signs
 * domain tag ‖ card number ‖ challenge with its certified Ed25519 key. Binding the card
 * number stops a signature of one card being shown for another; the tag stops the card
 * being used to sign anything that parses as another object.
 */
import { concat } from '../bytes.ts';
import { encodeCardNumber } from '../card-number.ts';
import { verifySignature } from './codec.ts';

export const CARD_AUTH_TAG = new TextEncoder().encode('icvault v2 card authentication\0');
export const CARD_CHALLENGE_MIN_BYTES = 8;
export const CARD_CHALLENGE_MAX_BYTES = 32;

export function cardAuthMessage(cardNumber: string, challenge: Uint8Array): Uint8Array {
  if (challenge.length < CARD_CHALLENGE_MIN_BYTES || challenge.length > CARD_CHALLENGE_MAX_BYTES) throw new RangeError(`card authentication: challenge must be ${CARD_CHALLENGE_MIN_BYTES}-${CARD_CHALLENGE_MAX_BYTES} bytes, got ${challenge.length}`);
  return concat(CARD_AUTH_TAG, encodeCardNumber(cardNumber), challenge);
}

/** Never throws. */
export function verifyCardAuth(cardSigningPublicKey: Uint8Array, cardNumber: string, challenge: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verifySignature(cardSigningPublicKey, cardAuthMessage(cardNumber, challenge), signature);
  } catch {
    return false;
  }
}
