/**
 * personalise(): the issuer's side of INITIALISE (docs/trust.md "Personalisation"). The
 * blank card answers its own public keys (GET DATA 01 08); the issuer certifies them and
 * seals the PIN and PUK to the card; the card checks all of it against its root and
 * initialises itself. The host only carries bytes: it never sees a key or the PUK.
 */
import { getCardKeys, getIdentity, initialise, type CardPublicKeys } from '../protocol/commands/index.ts';
import type { Transport } from '../protocol/transport.ts';
import { HostError, toHostError } from './errors.ts';
import { CardLink } from './link.ts';

/** Whoever personalises: the issuer service, or the demo issuer. Answers the personalisation bytes. */
export type Personaliser = (blankCard: CardPublicKeys) => Promise<Uint8Array>;

/** Personalises the blank card in the reader; refuses a card that is already personalised. */
export async function personalise(transport: Transport, personaliser: Personaliser, signal?: AbortSignal): Promise<void> {
  const link = new CardLink(transport, signal);
  try {
    const id = await link.run(getIdentity.getApdu(), (r) => getIdentity.parseResponse(r));
    if (id.initialised) throw new HostError('WRONG_CARD', `card ${id.cardNumber} is already personalised: only a blank card can be`);
    const keys = await link.run(getCardKeys.getApdu(), (r) => getCardKeys.parseResponse(r));
    const personalisation = await personaliser(keys);
    await link.run(initialise.getApdu(personalisation), (r) => initialise.parseResponse(r));
  } catch (e) {
    throw toHostError(e, 'personalisation');
  }
}
