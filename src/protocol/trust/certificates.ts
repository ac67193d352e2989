/**
 * The issuer's key hierarchy (docs/trust.md): the root key certifies numbered epoch keys
 * (a key version, as GlobalPlatform SCP11 numbers keys), an epoch key certifies cards.
 * This replaces the patent's common key (009) in every card.
 *
 *   EpochCertificate (141): 'ICVE' 02 issuer u32, epoch u16, minEpoch u16,
 *     signingPublicKey (Ed25519, 32), kemPublicKey (X25519, 32), signature by ROOT (64)
 *   CardCertificate (147): 'ICVC' 02 issuer u32, epoch u16, card number (8, BCD),
 *     signingPublicKey (Ed25519, 32), kemPublicKey (X25519, 32), signature by EPOCH key (64)
 */
import { concat, u16be, u32be } from '../bytes.ts';
import { CARD_NUMBER_BYTES, decodeCardNumber, encodeCardNumber } from '../card-number.ts';
import { fail, type Decoded } from '../result.ts';
import { ascii4, copy, ED25519_KEY_BYTES, finish, openBody, prefix, SIGNATURE_BYTES, verifySignature } from './codec.ts';
import { X25519_KEY_BYTES } from './hpke.ts';

const MAGIC_EPOCH = ascii4('ICVE');
const MAGIC_CARD = ascii4('ICVC');

export interface EpochCertificateBody {
  issuer: number;
  epoch: number;
  /** Backups and certificates of epochs below this are refused by a card that accepted this. */
  minEpoch: number;
  signingPublicKey: Uint8Array;
  kemPublicKey: Uint8Array;
}
export interface EpochCertificate extends EpochCertificateBody {
  signature: Uint8Array;
}

export interface CardCertificateBody {
  issuer: number;
  epoch: number;
  cardNumber: string;
  signingPublicKey: Uint8Array;
  kemPublicKey: Uint8Array;
}
export interface CardCertificate extends CardCertificateBody {
  signature: Uint8Array;
}

export const EPOCH_CERTIFICATE_BYTES = 5 + 4 + 2 + 2 + ED25519_KEY_BYTES + X25519_KEY_BYTES + SIGNATURE_BYTES; // 141
export const CARD_CERTIFICATE_BYTES = 5 + 4 + 2 + CARD_NUMBER_BYTES + ED25519_KEY_BYTES + X25519_KEY_BYTES + SIGNATURE_BYTES; // 147

function checkKeys(what: string, k: { signingPublicKey: Uint8Array; kemPublicKey: Uint8Array }): void {
  if (k.signingPublicKey.length !== ED25519_KEY_BYTES || k.kemPublicKey.length !== X25519_KEY_BYTES) throw new RangeError(`${what}: keys must be 32 bytes each`);
}

/** The exact bytes the root key signs. */
export function epochCertificateMessage(c: EpochCertificateBody): Uint8Array {
  checkKeys('epoch certificate', c);
  if (c.minEpoch > c.epoch) throw new RangeError(`epoch certificate: minEpoch ${c.minEpoch} above epoch ${c.epoch}`);
  return concat(prefix(MAGIC_EPOCH), u32be(c.issuer), u16be(c.epoch), u16be(c.minEpoch), c.signingPublicKey, c.kemPublicKey);
}

export const encodeEpochCertificate = (c: EpochCertificate): Uint8Array => concat(epochCertificateMessage(c), c.signature);

export function decodeEpochCertificate(b: Uint8Array): Decoded<EpochCertificate> {
  const what = 'epoch certificate';
  const o = openBody(b, MAGIC_EPOCH, what);
  if (!o.ok) return o;
  const r = o.value;
  const issuer = r.u32();
  const epoch = r.u16();
  const minEpoch = r.u16();
  const signingPublicKey = r.take(ED25519_KEY_BYTES);
  const kemPublicKey = r.take(X25519_KEY_BYTES);
  const signature = r.take(SIGNATURE_BYTES);
  if (issuer === undefined || epoch === undefined || minEpoch === undefined || !signingPublicKey || !kemPublicKey || !signature) return fail(what, `truncated: expected ${EPOCH_CERTIFICATE_BYTES} bytes, got ${b.length}`, r.offset);
  if (minEpoch > epoch) return fail(what, `minEpoch ${minEpoch} above epoch ${epoch}`, 11);
  return finish(r, what, { issuer, epoch, minEpoch, signingPublicKey: copy(signingPublicKey), kemPublicKey: copy(kemPublicKey), signature: copy(signature) });
}

/** Never throws. */
export function verifyEpochCertificate(rootPublicKey: Uint8Array, cert: EpochCertificate): boolean {
  if (cert.minEpoch > cert.epoch || cert.signingPublicKey.length !== ED25519_KEY_BYTES || cert.kemPublicKey.length !== X25519_KEY_BYTES) return false;
  return verifySignature(rootPublicKey, epochCertificateMessage(cert), cert.signature);
}

/** The exact bytes the epoch key signs. */
export function cardCertificateMessage(c: CardCertificateBody): Uint8Array {
  checkKeys('card certificate', c);
  return concat(prefix(MAGIC_CARD), u32be(c.issuer), u16be(c.epoch), encodeCardNumber(c.cardNumber), c.signingPublicKey, c.kemPublicKey);
}

export const encodeCardCertificate = (c: CardCertificate): Uint8Array => concat(cardCertificateMessage(c), c.signature);

export function decodeCardCertificate(b: Uint8Array): Decoded<CardCertificate> {
  const what = 'card certificate';
  const o = openBody(b, MAGIC_CARD, what);
  if (!o.ok) return o;
  const r = o.value;
  const issuer = r.u32();
  const epoch = r.u16();
  const cn = r.take(CARD_NUMBER_BYTES);
  const signingPublicKey = r.take(ED25519_KEY_BYTES);
  const kemPublicKey = r.take(X25519_KEY_BYTES);
  const signature = r.take(SIGNATURE_BYTES);
  if (issuer === undefined || epoch === undefined || !cn || !signingPublicKey || !kemPublicKey || !signature) return fail(what, `truncated: expected ${CARD_CERTIFICATE_BYTES} bytes, got ${b.length}`, r.offset);
  const card = decodeCardNumber(cn);
  if (!card.ok) return fail(what, card.error.message, 11);
  return finish(r, what, { issuer, epoch, cardNumber: card.value, signingPublicKey: copy(signingPublicKey), kemPublicKey: copy(kemPublicKey), signature: copy(signature) });
}

/**
 * A card certificate is valid under an epoch certificate when the epoch key signed it and
 * both name the same issuer and epoch. (The epoch certificate itself is checked against the
 * root with verifyEpochCertificate.) Never throws.
 */
export function verifyCardCertificate(epochCert: EpochCertificate, cardCert: CardCertificate): boolean {
  if (epochCert.issuer !== cardCert.issuer || epochCert.epoch !== cardCert.epoch) return false;
  try {
    return verifySignature(epochCert.signingPublicKey, cardCertificateMessage(cardCert), cardCert.signature);
  } catch {
    return false;
  }
}
