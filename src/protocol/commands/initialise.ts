/**
 * INITIALISE (patent figs. 12-13, 100/106), protocol version 2: the issuer's signed
 * personalisation is the only way a blank card is initialised.
 *   data = personalisation (src/protocol/trust/personalisation.ts: epoch certificate,
 *          card certificate of the card's own public keys, PIN and PUK sealed to the card,
 *          the epoch key's signature), about 430 bytes: extended length, or chained.
 * The card-unique key and the key pairs are not in the data: the card made them (120).
 */
import { command, type CommandApdu } from '../apdu.ts';
import { expectEmpty } from './card-error.ts';
import { CLA_PROPRIETARY, INS } from './codes.ts';

export const initialise = {
  getApdu: (personalisation: Uint8Array): CommandApdu => command(CLA_PROPRIETARY, INS.INITIALISE, 0x00, 0x00, personalisation),
  parseResponse: (response: Uint8Array): void => expectEmpty(response, 'INITIALISE'),
};
