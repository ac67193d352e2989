/**
 * Is the card in the reader genuine (issue 10, docs/trust.md "Card authentication")?
 * Three checks, all against the issuer's root public key the app is built with:
 *   1. the card's epoch certificate (GET DATA 010A) is signed by that root;
 *   2. the card's certificate (GET DATA 0109) is signed by that epoch's key and names the
 *      card number the card answers with;
 *   3. the card holds the key its certificate names: it signs a fresh random challenge
 *      bound to its card number (INTERNAL AUTHENTICATE 00 88).
 * A copy of a certificate without the card's secret fails 3; a card made by anyone but
 * the issuer fails 1 or 2. The vault takes the certificate as the anchor of every later
 * header-signature check, so the host runs this before the vault first keeps one.
 * No PIN: the card signs challenges without the holder (as for a terminal or the issuer).
 */
import { getCardCertificate, getEpochCertificate } from '../protocol/commands/get-data.ts';
import { internalAuthenticate } from '../protocol/commands/card-auth.ts';
import { verifyCardAuth } from '../protocol/trust/card-auth.ts';
import { decodeCardCertificate, decodeEpochCertificate, verifyCardCertificate, verifyEpochCertificate } from '../protocol/trust/certificates.ts';
import { HostError } from './errors.ts';
import type { CardLink } from './link.ts';

const CHALLENGE_BYTES = 32;

export interface GenuineCard {
  /** The card's certificate, checked up to the root: what the vault keeps for it. */
  certificate: Uint8Array;
  epoch: number;
}

const notGenuine = (cardNumber: string, why: string) => new HostError('NOT_GENUINE', `card ${cardNumber} is not a genuine card of this issuer: ${why}`);

export async function checkCardGenuine(link: CardLink, cardNumber: string, rootPublicKey: Uint8Array, random: (n: number) => Uint8Array = (n) => crypto.getRandomValues(new Uint8Array(n))): Promise<GenuineCard> {
  const epochBytes = await link.run(getEpochCertificate.getApdu(), (r) => getEpochCertificate.parseResponse(r));
  const certificate = await link.run(getCardCertificate.getApdu(), (r) => getCardCertificate.parseResponse(r));
  const epoch = decodeEpochCertificate(epochBytes);
  if (!epoch.ok) throw notGenuine(cardNumber, `its epoch certificate does not decode (${epoch.error.message})`);
  if (!verifyEpochCertificate(rootPublicKey, epoch.value)) throw notGenuine(cardNumber, `its epoch ${epoch.value.epoch} certificate is not signed by the issuer's root key`);
  const card = decodeCardCertificate(certificate);
  if (!card.ok) throw notGenuine(cardNumber, `its certificate does not decode (${card.error.message})`);
  if (!verifyCardCertificate(epoch.value, card.value)) throw notGenuine(cardNumber, `its certificate is not signed by the epoch ${epoch.value.epoch} key`);
  if (card.value.cardNumber !== cardNumber) throw notGenuine(cardNumber, `its certificate names card ${card.value.cardNumber}`);
  const challenge = random(CHALLENGE_BYTES);
  const signature = await link.run(internalAuthenticate.getApdu(challenge), (r) => internalAuthenticate.parseResponse(r));
  if (!verifyCardAuth(card.value.signingPublicKey, cardNumber, challenge, signature))
    throw notGenuine(cardNumber, 'it does not hold the key its certificate names (its signature of a fresh challenge does not verify): a copy of the certificate, not the card');
  return { certificate, epoch: epoch.value.epoch };
}
