/**
 * The demo issuer as the demo's cards meet it (demo only; docs/trust.md). Its secrets live
 * in issuer/core's demo seed, reached only from demo-mode files (eslint DEMO_WORLD), never
 * from the card, host or reader layers: it personalises new demo cards, signs their
 * opening loads, and authorises a restore onto a replacement card. `npm start`'s issuer
 * service runs with the same seed, so cards, tokens and authorisations agree with it.
 */
import { DEMO_ISSUER, demoIssuer } from '../../../issuer/core/demo.ts';
import type { Personaliser, RestoreAuthority } from '../../host/index.ts';
import type { Transport } from '../../host/surface.ts';
import type { SimCard } from '../../card-sim/index.ts';

export const DEMO_ISSUER_NUMBER = DEMO_ISSUER;
/** The PUK the demo issuer gives its cards (a real issuer keeps each card's own). */
export const DEMO_PUK = '12345678';

/** The root public key demo cards are made with: their one trust anchor. */
export const demoRootPublicKey = (): Uint8Array => demoIssuer().rootPublicKey;

export const demoPersonaliser =
  (cardNumber: string, pin: string): Personaliser =>
  async (keys) =>
    demoIssuer().personalise({ cardNumber, cardSigningPublicKey: keys.signingPublicKey, cardKemPublicKey: keys.kemPublicKey, pin, puk: DEMO_PUK }).personalisation;

/** Fig. 9: the demo issuer re-wraps the lost card's key to the replacement, once (counter + 1). */
export const demoRestoreAuthority: RestoreAuthority = { authoriseRestore: (r) => demoIssuer().authoriseRestore(r) };

/** The card in the issuer's own machine: extended APDUs, no reader in between. */
export const issuerMachine = (card: SimCard): Transport => ({
  limits: { maxCommandData: 65535, maxResponseData: 65536, extendedLength: true },
  transmit: async (apdu: Uint8Array) => card.transmit(apdu),
});
