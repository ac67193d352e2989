/**
 * The card proves itself to its issuer (docs/issuer.md "who may do what"): the service's
 * challenge is signed by the card itself (INTERNAL AUTHENTICATE 00 88, bound to its card
 * number: src/protocol/trust/card-auth.ts) and shown with the card's certificate, so the
 * session the service grants belongs to the card in the reader, not to the browser.
 * No PIN: the card signs challenges for terminals and the issuer without the holder.
 */
import { internalAuthenticate } from '../protocol/commands/card-auth.ts';
import type { Transport } from '../protocol/transport.ts';
import { toHostError } from './errors.ts';
import type { CardProof } from './issuer-client.ts';
import { CardLink } from './link.ts';

/** Reads the card's certificate (GET DATA, protocol version 2) over the link. */
export type CertificateReader = (link: CardLink) => Promise<Uint8Array>;

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
