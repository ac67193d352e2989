/**
 * Card-signed backup headers (protocol version 2, src/protocol/trust): a card with a
 * certificate signs every backup header with its certified key. The vault keeps the card
 * certificate the host hands it (the host checked it up to the issuer's root) and checks
 * every header against it: on commit, on import and on verify. A forged header with its
 * hash recomputed, or a header moved to another card, no longer passes. Cards without a
 * certificate (protocol version 1) have unsigned headers: nothing to check.
 */
import { decodeCardCertificate, HEADER_SIGNATURE_BYTES, verifyHeaderSignature } from '../protocol/trust/index.ts';

/** What is wrong with a header's signature under the card's certificate, or undefined if nothing. */
export function signatureProblem(certificate: Uint8Array | undefined, cardNumber: string, header: Uint8Array, signature: Uint8Array | undefined): string | undefined {
  if (!certificate) return undefined;
  const cert = decodeCardCertificate(certificate);
  if (!cert.ok) return `the card certificate the vault holds does not decode: ${cert.error.message}`;
  if (cert.value.cardNumber !== cardNumber) return `the card certificate is for card ${cert.value.cardNumber}`;
  if (!signature) return `the header carries no card signature, and this card signs its headers`;
  if (signature.length !== HEADER_SIGNATURE_BYTES) return `the header's card signature is ${signature.length} bytes, expected ${HEADER_SIGNATURE_BYTES}`;
  if (!verifyHeaderSignature(cert.value.signingPublicKey, header, signature)) return `the header's card signature does not verify: the header is not the one the card made`;
  return undefined;
}

/** Does the certificate decode and name this card (the host checked its issuer chain)? */
export function certificateProblem(certificate: Uint8Array, cardNumber: string): string | undefined {
  const cert = decodeCardCertificate(certificate);
  if (!cert.ok) return `the card certificate does not decode: ${cert.error.message}`;
  if (cert.value.cardNumber !== cardNumber) return `the card certificate is for card ${cert.value.cardNumber}, the backup for card ${cardNumber}`;
  return undefined;
}
