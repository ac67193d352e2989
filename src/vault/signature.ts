/**
 * Card-signed backups (protocol version 2, src/protocol/trust/header-signature.ts): a card
 * with a certificate signs every backup's wrapped key and header with its certified key.
 * The vault keeps the card certificate the host hands it (the host checked it up to the
 * issuer's root) and checks every backup (and every tombstone, which keeps the wrapped
 * key for this) against it: on commit, on import and on verify. A forged header with its
 * hash recomputed, an altered or swapped wrapped key, or a header moved to another card,
 * no longer passes.
 *
 * The rule, one per card: a card WITH a certificate has only version-2 headers, each
 * signed; a card WITHOUT one has only version-1 headers (nothing to check: a version-1
 * card signs nothing). A version-2 header the vault cannot check (no certificate) is
 * refused, never taken on trust.
 *
 * Ed25519 is checked by WebCrypto where the platform has it (native; Chromium 156 does the
 * work inside each call, on the calling thread, measured: so issuing many at once only
 * helps where the platform runs them elsewhere, as Node does), else by @noble/curves.
 */
import { decodeCardCertificate, HEADER_SIGNATURE_BYTES, headerSignatureMessage, verifyHeaderSignature, WRAPPED_KEY_V2_BYTES } from '../protocol/trust/index.ts';
import { toHex } from './hash.ts';
import { headerVersion } from './versions.ts';

interface Ed25519Subtle {
  importKey(format: 'raw', key: Uint8Array<ArrayBuffer>, alg: { name: 'Ed25519' }, extractable: false, usages: ['verify']): Promise<unknown>;
  verify(alg: { name: 'Ed25519' }, key: unknown, signature: Uint8Array<ArrayBuffer>, data: Uint8Array<ArrayBuffer>): Promise<boolean>;
}

const subtle = (): Ed25519Subtle | undefined => (globalThis as { crypto?: { subtle?: Ed25519Subtle } }).crypto?.subtle;
/** Imported keys by public key hex: verify checks a whole chain under one certificate. */
const keys = new Map<string, Promise<unknown>>();
let native = true;

const ab = (b: Uint8Array): Uint8Array<ArrayBuffer> => new Uint8Array(b);

async function verifyEd25519(publicKey: Uint8Array, wrappedKey: Uint8Array, header: Uint8Array, signature: Uint8Array): Promise<boolean> {
  const s = subtle();
  if (s && native) {
    try {
      const id = toHex(publicKey);
      let key = keys.get(id);
      if (!key) {
        if (keys.size > 64) keys.clear();
        keys.set(id, (key = s.importKey('raw', ab(publicKey), { name: 'Ed25519' }, false, ['verify'])));
      }
      return await s.verify({ name: 'Ed25519' }, await key, ab(signature), ab(headerSignatureMessage(wrappedKey, header)));
    } catch (e) {
      // Only a platform without Ed25519 falls back; a malformed key or signature is invalid.
      if (!(e instanceof Error) || e.name !== 'NotSupportedError') return false;
      native = false;
    }
  }
  return verifyHeaderSignature(publicKey, wrappedKey, header, signature);
}

type Verifier<R> = (publicKey: Uint8Array, wrappedKey: Uint8Array, header: Uint8Array, signature: Uint8Array) => R;

/** What the card signed, as a backup row, a tombstone, an import entry or a commit input holds it. */
export interface SignedParts {
  header: Uint8Array;
  wrappedKey?: Uint8Array | undefined;
  headerSignature?: Uint8Array | undefined;
}

/** The rule above, for any verifier: `problem` gets the verdict and says what is wrong. */
function judge<R>(certificate: Uint8Array | undefined, cardNumber: string, parts: SignedParts, verify: Verifier<R>): string | { check: R } | undefined {
  const { header, wrappedKey, headerSignature: signature } = parts;
  const version = headerVersion(header);
  if (!certificate) {
    if (version === 1) return signature ? 'a version-1 header carries a signature, and version-1 cards sign nothing' : undefined;
    return `the header is of protocol version 2, and the vault holds no certificate for card ${cardNumber} to check its signature against`;
  }
  if (version === 1) return `the header is of protocol version 1, and card ${cardNumber} signs its headers (protocol version 2): not made by this card`;
  const cert = decodeCardCertificate(certificate);
  if (!cert.ok) return `the card certificate the vault holds does not decode: ${cert.error.message}`;
  if (cert.value.cardNumber !== cardNumber) return `the card certificate is for card ${cert.value.cardNumber}`;
  if (!signature) return `the header carries no card signature, and this card signs its headers`;
  if (signature.length !== HEADER_SIGNATURE_BYTES) return `the header's card signature is ${signature.length} bytes, expected ${HEADER_SIGNATURE_BYTES}`;
  // The signature covers the wrapped key too: without it (a tombstone from before version 2
  // kept it) there is nothing to check the signature over, so it is not taken on trust.
  if (!wrappedKey) return `no wrapped key is kept with this header, and the card's signature covers it: the signature cannot be checked`;
  if (wrappedKey.length !== WRAPPED_KEY_V2_BYTES) return `the wrapped key is ${wrappedKey.length} bytes, expected ${WRAPPED_KEY_V2_BYTES} (protocol version 2)`;
  return { check: verify(cert.value.signingPublicKey, wrappedKey, header, signature) };
}

const FORGED = `the header's card signature does not verify: the header or the wrapped key is not the one the card made`;

/** What is wrong with a backup's card signature under the card's certificate (or its absence), or undefined if nothing. */
export async function signatureProblem(certificate: Uint8Array | undefined, cardNumber: string, parts: SignedParts): Promise<string | undefined> {
  const j = judge(certificate, cardNumber, parts, verifyEd25519);
  if (typeof j !== 'object') return j;
  return (await j.check) ? undefined : FORGED;
}

/** The same, synchronously (the JavaScript library): for inside a transaction, where awaiting WebCrypto would let it commit. */
export function signatureProblemNow(certificate: Uint8Array | undefined, cardNumber: string, parts: SignedParts): string | undefined {
  const j = judge(certificate, cardNumber, parts, verifyHeaderSignature);
  if (typeof j !== 'object') return j;
  return j.check ? undefined : FORGED;
}

/** Does the certificate decode and name this card (the host checked its issuer chain)? */
export function certificateProblem(certificate: Uint8Array, cardNumber: string): string | undefined {
  const cert = decodeCardCertificate(certificate);
  if (!cert.ok) return `the card certificate does not decode: ${cert.error.message}`;
  if (cert.value.cardNumber !== cardNumber) return `the card certificate is for card ${cert.value.cardNumber}, the backup for card ${cardNumber}`;
  return undefined;
}

export const sameBytes = (a: Uint8Array | undefined, b: Uint8Array | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]));
