/**
 * VERIFY and CHANGE REFERENCE DATA for the cardholder PIN. The retry counter is
 * decremented and committed BEFORE the comparison (DESIGN.md), and set back to 3 only
 * after a match: a VERIFY torn at any write never gives a free try.
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { PIN_REFERENCE } from '../../protocol/commands/codes.ts';
import { isPinBytes, PIN_TRIES } from '../../protocol/commands/pin.ts';
import { SW } from '../../protocol/status-words.ts';
import { sameBytes } from '../crypto.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';

const triesSw = (n: number) => (n === 0 ? SW.AUTH_METHOD_BLOCKED : 0x63c0 | n);

/** Spend a try, then compare; answers 63Cx (or 6983 at zero) on a mismatch. */
function spendAndCompare(os: CardOs, given: Uint8Array, pin: Uint8Array): boolean {
  const tries = os.store.pinTries;
  if (tries === 0) refuse(SW.AUTH_METHOD_BLOCKED);
  os.store.pinTries = tries - 1;
  if (!sameBytes(given, pin)) {
    os.session.pinVerified = false;
    refuse(0x63c0 | (tries - 1));
  }
  return true;
}

export function verify(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== PIN_REFERENCE) refuse(SW.INCORRECT_P1P2);
  const id = os.initialised();
  if (c.data.length === 0) return reply(undefined, os.session.pinVerified ? SW.OK : triesSw(os.store.pinTries));
  // Issue 10: the try is spent before anything about the data is judged, as in CHANGE
  // REFERENCE DATA: data of any length or content that is not the PIN is a wrong guess
  // (63Cx), so no answer depends on the data's shape.
  spendAndCompare(os, c.data, id.pin);
  os.store.pinTries = PIN_TRIES;
  os.session.pinVerified = true;
  return reply();
}

/** data = old PIN ‖ new PIN, split at the length of the PIN the card holds. */
export function changeReferenceData(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== PIN_REFERENCE) refuse(SW.INCORRECT_P1P2);
  const id = os.initialised();
  os.requireMemoryUnlocked();
  // Issue 10: the try is spent before anything about the data is judged. Judging the
  // format first answered 6A80 for free until the data reached PIN length + 4, which
  // told the PIN's length. Data too short, too long or not digits is a wrong guess.
  const old = c.data.subarray(0, id.pin.length);
  const next = c.data.slice(id.pin.length);
  spendAndCompare(os, old, id.pin);
  if (!isPinBytes(next)) {
    // The old PIN was right: the holder is proven, so the try comes back.
    os.store.pinTries = PIN_TRIES;
    refuse(SW.WRONG_DATA, 'new PIN malformed');
  }
  os.eeprom.atomic(() => {
    os.store.writeIdentity({ ...id, pin: next });
    os.store.pinTries = PIN_TRIES;
  });
  os.session.pinVerified = true;
  return reply();
}
