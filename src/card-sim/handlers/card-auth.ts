/**
 * INTERNAL AUTHENTICATE 00 88 00 00 (docs/protocol.md): the card signs the caller's
 * challenge bound to its card number. No PIN: a terminal or the issuer authenticates the
 * card before (and without) the holder. Nothing is written.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { CARD_CHALLENGE_MAX_BYTES, CARD_CHALLENGE_MIN_BYTES, cardAuthMessage } from '../../protocol/trust/card-auth.ts';
import { SW } from '../../protocol/status-words.ts';
import { deriveCardKeys } from '../card-keys.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';

export function internalAuthenticate(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (c.data.length < CARD_CHALLENGE_MIN_BYTES || c.data.length > CARD_CHALLENGE_MAX_BYTES) refuse(SW.WRONG_LENGTH, 'challenge must be 8-32 bytes');
  const id = os.initialised();
  const keys = deriveCardKeys(id.uniqueKey);
  return reply(ed25519.sign(cardAuthMessage(id.cardNumber, c.data), keys.signingSecretKey));
}
