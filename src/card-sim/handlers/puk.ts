/**
 * RESET RETRY COUNTER `00 2C 00 81` (ISO 7816-4 §11.5.10, P1 00): data = PUK ‖ new PIN.
 * The PUK is the issuer-held unblocking code (issue 10): it unblocks a blocked PIN and
 * sets the new one. Like VERIFY (DESIGN.md), the PUK's own try is written — alone, as
 * its own write — BEFORE anything about the data is judged, and given back only after
 * a match: a command torn at any write never gives a free try, and the answer to a
 * malformed or wrong attempt is the same (63Cx, 6983 at zero), so nothing about the
 * PUK's length leaks.
 */
import type { DecodedCommand } from '../../protocol/apdu.ts';
import { PIN_REFERENCE } from '../../protocol/commands/codes.ts';
import { isPinBytes, PIN_TRIES, PUK_TRIES } from '../../protocol/commands/pin.ts';
import { SW } from '../../protocol/status-words.ts';
import { sameBytes } from '../crypto.ts';
import { PUK_TRIES_OFFSET } from '../identity.ts';
import type { CardOs } from '../os.ts';
import { refuse, reply, type Reply } from '../session.ts';

export function resetRetryCounter(os: CardOs, c: DecodedCommand): Reply {
  if (c.p1 !== 0 || c.p2 !== PIN_REFERENCE) refuse(SW.INCORRECT_P1P2);
  const id = os.initialised();
  if (id.puk.length === 0) refuse(SW.REFERENCE_NOT_FOUND, 'this card holds no PUK');
  // It writes the identity block: not while a backup or restore session locks memory.
  os.requireMemoryUnlocked();
  const tries = id.pukTries;
  if (tries === 0) refuse(SW.AUTH_METHOD_BLOCKED, 'PUK blocked');
  // The try is spent first, unmarked: the tries byte lies in the identity block's secret
  // fields, which no backup carries (so no page is marked changed for it).
  os.store.writeUnmarked(PUK_TRIES_OFFSET, Uint8Array.of(tries - 1));
  const given = c.data.subarray(0, id.puk.length);
  const next = c.data.slice(id.puk.length);
  if (!sameBytes(given, id.puk)) refuse(0x63c0 | (tries - 1), 'wrong PUK'); // 63C0 on the last one, 6983 after (as VERIFY)
  if (!isPinBytes(next)) {
    // The PUK was right: its holder is proven, so the try comes back; the PIN stays as it was.
    os.store.writeUnmarked(PUK_TRIES_OFFSET, Uint8Array.of(PUK_TRIES));
    refuse(SW.WRONG_DATA, 'new PIN must be 4..12 ASCII digits');
  }
  // One group: the new PIN, the PIN's tries and the PUK's tries land together or not at all.
  os.eeprom.atomic(() => {
    os.store.writeIdentity({ ...id, pin: next, pukTries: PUK_TRIES });
    os.store.pinTries = PIN_TRIES;
  });
  // The holder proves the new PIN with VERIFY, as after any change of reference data.
  os.session.pinVerified = false;
  return reply();
}
