/**
 * INTERNAL AUTHENTICATE 00 88 00 00 (docs/protocol.md): the card signs the caller's
 * challenge bound to its card number with its certified key (GET DATA gives the
 * certificate). No PIN: a terminal or the issuer authenticates the card before (and
 * without) the holder. Nothing is written.
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { CARD_CHALLENGE_MAX_BYTES, CARD_CHALLENGE_MIN_BYTES, cardAuthMessage } from '../../protocol/trust/card-auth.ts';
import { sign } from '../../protocol/trust/codec.ts';
import { SW } from '../../protocol/status-words.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';

export function internalAuthenticate(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== 0) refuse(SW.INCORRECT_P1P2);
  if (c.data.length < CARD_CHALLENGE_MIN_BYTES || c.data.length > CARD_CHALLENGE_MAX_BYTES) refuse(SW.WRONG_LENGTH, 'challenge must be 8-32 bytes');
  const id = os.initialised();
  return reply(sign(id.signingSecretKey, cardAuthMessage(id.cardNumber, c.data)));
}
