/**
 * Manufacture (docs/trust.md "Personalisation"): before it leaves the factory a card
 * makes its own secrets from its own random source (patent 120: the card-unique key; in
 * version 2 also its signing and key-agreement key pairs) and takes the issuer's root
 * public key as its one trust anchor. Nothing else: card number, epoch, certificates,
 * PIN and PUK arrive only in the issuer's signed personalisation (INITIALISE).
 */
import { makeCardSecretKeys } from './card-keys.ts';
import type { CardOs } from './os.ts';

export function manufacture(os: CardOs, rootPublicKey: Uint8Array): void {
  if (rootPublicKey.length !== 32) throw new RangeError(`the issuer root public key must be 32 bytes, got ${rootPublicKey.length}`);
  const keys = makeCardSecretKeys(os.random);
  os.eeprom.atomic(() =>
    os.store.writeIdentity({
      manufactured: true,
      initialised: false,
      cardNumber: '0000000000000000',
      issuer: 0,
      epoch: 0,
      minEpoch: 0,
      rootPublicKey,
      ...keys,
      pin: new Uint8Array(0),
      puk: new Uint8Array(0),
      pukTries: 0,
      cardCertificate: new Uint8Array(0),
      epochCertificate: new Uint8Array(0),
    }),
  );
}
