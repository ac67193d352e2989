/**
 * The card proves itself to its issuer (docs/issuer.md "who may do what"): the service's
 * challenge is signed by the card itself (INTERNAL AUTHENTICATE 00 88, bound to its card
 * number: src/protocol/trust/card-auth.ts) and shown with the card's certificate, so the
 * session the service grants belongs to the card in the reader, not to the browser.
 * No PIN: the card signs challenges for terminals and the issuer without the holder.
 */
import { command } from '../protocol/apdu.ts';
import { internalAuthenticate } from '../protocol/commands/card-auth.ts';
import { checkSw } from '../protocol/commands/card-error.ts';
import { CLA_PROPRIETARY, INS } from '../protocol/commands/codes.ts';
import { DATA_OBJECT } from '../protocol/commands/get-data-codecs.ts';
import type { Transport } from '../protocol/transport.ts';
import { HostError, toHostError } from './errors.ts';
import type { CardProof } from './issuer-client.ts';
import { CardLink } from './link.ts';

/** Reads the card's certificate (GET DATA, protocol version 2) over the link. */
export type CertificateReader = (link: CardLink) => Promise<Uint8Array>;

/**
 * GET DATA of the card's certificate (protocol version 2: the certificate the issuer
 * wrote at personalisation, src/protocol/trust/certificates.ts). A card of protocol
 * version 1 has none and cannot prove itself to an issuer: said so plainly.
 */
export const readCardCertificate: CertificateReader = async (link) => {
  const tag = (DATA_OBJECT as Readonly<Record<string, number>>)['CARD_CERTIFICATE'];
  if (tag === undefined) throw new HostError('CARD_REFUSED', 'this card has no certificate (protocol version 1): it cannot prove itself to the issuer');
  return link.run(command(CLA_PROPRIETARY, INS.GET_DATA, tag >>> 8, tag & 0xff, undefined, 256), (r) => checkSw(r, 'GET DATA card certificate').data.slice());
};

/**
 * A proof for the card reachable through `withCard`: its certificate, read now, and a
 * signer that asks the card each time the service sends a challenge.
 */
export async function cardProof(withCard: <T>(fn: (t: Transport) => Promise<T>) => Promise<T>, readCertificate: CertificateReader): Promise<CardProof> {
  const certificate = await withCard(async (t) => {
    try {
      return await readCertificate(new CardLink(t, undefined));
    } catch (e) {
      throw toHostError(e, 'reading the card certificate');
    }
  });
  return {
    certificate,
    sign: (challenge) =>
      withCard(async (t) => {
        try {
          return await new CardLink(t, undefined).run(internalAuthenticate.getApdu(challenge), (r) => internalAuthenticate.parseResponse(r));
        } catch (e) {
          throw toHostError(e, 'INTERNAL AUTHENTICATE');
        }
      }),
  };
}
