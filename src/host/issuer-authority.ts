/**
 * The issuer's side of a restore onto another card (patent fig. 9, 21; docs/issuer.md):
 * the replacement card asks the service, in its own session, for the authorisation to
 * restore one point of the card it replaces; the service re-wraps that point's key to
 * the new card and binds it to source, target, the point's header hash and the target's
 * authorisation counter + 1, once.
 *
 * restore() asks a RestoreAuthority once per RESTORE session; the demo implements it with
 * the demo issuer's keys (src/ui/services), this file with the service. The service needs only the point's seq (it holds
 * the lost card's certificate, header, signature and wrapped key itself) and the counter.
 */
import { decodeCardCertificate } from '../protocol/trust/certificates.ts';
import { decodeStoredHeader } from '../vault/index.ts';
import { HostError } from './errors.ts';
import type { IssuerClient, IssuerSession } from './issuer-client.ts';

export interface RestoreAuthorityRequest {
  /** Certificate of the card that made the backup (the lost card). */
  sourceCertificate: Uint8Array;
  /** Certificate of the card in the reader, which the restore writes. */
  targetCertificate: Uint8Array;
  /** Header of the point to restore, as the source card made it. */
  pointHeader: Uint8Array;
  /** The source card's signature over that header. */
  pointHeaderSignature: Uint8Array;
  /** The point's wrapped key (version 2), as the source card made it. */
  wrappedKey: Uint8Array;
  /** The target card's authorisation counter now (GET DATA 01 0B); the authorisation names counter + 1. */
  targetCounter: number;
}

export interface RestoreAuthority {
  authoriseRestore(request: RestoreAuthorityRequest): Promise<Uint8Array>;
}

/** The service as restore authority; `session`: the target card's session (it proves itself). */
export function serviceRestoreAuthority(client: IssuerClient, session: () => Promise<IssuerSession>): RestoreAuthority {
  return {
    async authoriseRestore(r) {
      const h = decodeStoredHeader(r.pointHeader);
      if (!h.ok) throw new HostError('VAULT', `the point to restore has a bad header: ${h.error.message}`, { cause: h.error });
      const target = decodeCardCertificate(r.targetCertificate);
      if (!target.ok) throw new HostError('CARD_REFUSED', `the target card's certificate does not decode: ${target.error.message}`, { cause: target.error });
      const s = await session();
      // The service authorises only for the card of the session: name a mix-up here, before asking.
      if (s.cardNumber !== target.value.cardNumber) throw new HostError('WRONG_CARD', `the issuer session is for card ${s.cardNumber}, the restore writes card ${target.value.cardNumber}`);
      return client.authoriseRestore(s, h.value.seq, r.targetCounter);
    },
  };
}
