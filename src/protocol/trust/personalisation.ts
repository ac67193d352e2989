/**
 * Personalisation (docs/trust.md): the only way a blank card is initialised. The issuer
 * certifies the public keys the blank card made itself, and seals the holder's PIN and the
 * issuer-held PUK to the card's X25519 key, so the holder's host carries them without
 * seeing the PUK. The epoch key signs the whole, so nobody else can choose the secrets.
 *
 *   'ICVZ' 02  epoch certificate (141)  card certificate (147)
 *              enc (32)  sealedLength u8  sealed (sealedLength)  signature by EPOCH key (64)
 *   sealed = HPKE(card X25519 key, info 'icvault v2 personalisation',
 *                 aad = the card certificate bytes, pinLength u8 ‖ PIN ‖ pukLength u8 ‖ PUK)
 *   PIN and PUK are ASCII digits: PIN 4-12, PUK 8-12.
 */
import { ByteReader, concat } from '../bytes.ts';
import { fail, type Decoded } from '../result.ts';
import {
  CARD_CERTIFICATE_BYTES,
  decodeCardCertificate,
  decodeEpochCertificate,
  encodeCardCertificate,
  encodeEpochCertificate,
  EPOCH_CERTIFICATE_BYTES,
  verifyCardCertificate,
  verifyEpochCertificate,
  type CardCertificate,
  type EpochCertificate,
} from './certificates.ts';
import { ascii4, copy, finish, openBody, prefix, SIGNATURE_BYTES, verifySignature } from './codec.ts';
import { HPKE_ENC_BYTES, HPKE_TAG_BYTES, hpkeOpen, hpkeSeal } from './hpke.ts';

const MAGIC = ascii4('ICVZ');
export const PERSONALISATION_INFO = new TextEncoder().encode('icvault v2 personalisation');
export const PIN_PATTERN = /^\d{4,12}$/;
export const PUK_PATTERN = /^\d{8,12}$/;

export interface CardSecrets {
  pin: string;
  puk: string;
}

export interface Personalisation {
  epochCertificate: EpochCertificate;
  cardCertificate: CardCertificate;
  enc: Uint8Array;
  sealed: Uint8Array;
  signature: Uint8Array;
}

function checkSecrets(s: CardSecrets): void {
  if (!PIN_PATTERN.test(s.pin)) throw new RangeError('personalisation: PIN must be 4 to 12 digits');
  if (!PUK_PATTERN.test(s.puk)) throw new RangeError('personalisation: PUK must be 8 to 12 digits');
}

export function encodeCardSecrets(s: CardSecrets): Uint8Array {
  checkSecrets(s);
  const te = new TextEncoder();
  return concat(Uint8Array.of(s.pin.length), te.encode(s.pin), Uint8Array.of(s.puk.length), te.encode(s.puk));
}

export function decodeCardSecrets(b: Uint8Array): Decoded<CardSecrets> {
  const what = 'card secrets';
  const r = new ByteReader(b);
  const pin = r.take(r.u8() ?? 0xffff);
  const puk = r.take(r.u8() ?? 0xffff);
  if (!pin || !puk) return fail(what, 'truncated', r.offset);
  const td = new TextDecoder();
  const s = { pin: td.decode(pin), puk: td.decode(puk) };
  if (!PIN_PATTERN.test(s.pin) || !PUK_PATTERN.test(s.puk)) return fail(what, 'PIN or PUK not 4-12 / 8-12 digits');
  return finish(r, what, s);
}

/** Seals PIN and PUK to the card, bound to its certificate. */
export function sealCardSecrets(cardCertificate: CardCertificate, secrets: CardSecrets, ephemeralSecretKey?: Uint8Array): { enc: Uint8Array; sealed: Uint8Array } {
  const s = hpkeSeal(cardCertificate.kemPublicKey, PERSONALISATION_INFO, encodeCardCertificate(cardCertificate), encodeCardSecrets(secrets), ephemeralSecretKey);
  return { enc: s.enc, sealed: s.ciphertext };
}

/** The card opens its secrets with its X25519 secret key. Never throws. */
export function openCardSecrets(cardKemSecretKey: Uint8Array, p: Personalisation): CardSecrets | undefined {
  const plain = hpkeOpen(cardKemSecretKey, p.enc, PERSONALISATION_INFO, encodeCardCertificate(p.cardCertificate), p.sealed);
  if (!plain) return undefined;
  const s = decodeCardSecrets(plain);
  return s.ok ? s.value : undefined;
}

/** The exact bytes the epoch key signs. */
export function personalisationMessage(p: Omit<Personalisation, 'signature'>): Uint8Array {
  if (p.enc.length !== HPKE_ENC_BYTES || p.sealed.length > 255) throw new RangeError('personalisation: bad enc or sealed length');
  return concat(prefix(MAGIC), encodeEpochCertificate(p.epochCertificate), encodeCardCertificate(p.cardCertificate), p.enc, Uint8Array.of(p.sealed.length), p.sealed);
}

export const encodePersonalisation = (p: Personalisation): Uint8Array => concat(personalisationMessage(p), p.signature);

export function decodePersonalisation(b: Uint8Array): Decoded<Personalisation> {
  const what = 'personalisation';
  const o = openBody(b, MAGIC, what);
  if (!o.ok) return o;
  const r = o.value;
  const ec = r.take(EPOCH_CERTIFICATE_BYTES);
  const cc = r.take(CARD_CERTIFICATE_BYTES);
  const enc = r.take(HPKE_ENC_BYTES);
  const sealedLength = r.u8();
  if (!ec || !cc || !enc || sealedLength === undefined) return fail(what, 'truncated', r.offset);
  if (sealedLength < HPKE_TAG_BYTES) return fail(what, `sealed secrets too short (${sealedLength} bytes)`, r.offset - 1);
  const sealed = r.take(sealedLength);
  const signature = r.take(SIGNATURE_BYTES);
  if (!sealed || !signature) return fail(what, 'truncated', r.offset);
  const epochCertificate = decodeEpochCertificate(ec);
  if (!epochCertificate.ok) return fail(what, epochCertificate.error.message, 5);
  const cardCertificate = decodeCardCertificate(cc);
  if (!cardCertificate.ok) return fail(what, cardCertificate.error.message, 5 + EPOCH_CERTIFICATE_BYTES);
  return finish(r, what, { epochCertificate: epochCertificate.value, cardCertificate: cardCertificate.value, enc: copy(enc), sealed: copy(sealed), signature: copy(signature) });
}

/** Why a card refuses a personalisation (the card maps each to its status word, docs/protocol.md). */
export type PersonalisationCheck = 'ok' | 'epoch-certificate' | 'card-certificate' | 'signature' | 'not-this-card';

/**
 * What a blank card checks before it initialises: the epoch certificate is the root's, the
 * card certificate is that epoch's, the whole is signed by the epoch key, and the
 * certificate names the keys this very card made. Never throws.
 */
export function checkPersonalisation(rootPublicKey: Uint8Array, p: Personalisation, own: { signingPublicKey: Uint8Array; kemPublicKey: Uint8Array }): PersonalisationCheck {
  if (!verifyEpochCertificate(rootPublicKey, p.epochCertificate)) return 'epoch-certificate';
  if (!verifyCardCertificate(p.epochCertificate, p.cardCertificate)) return 'card-certificate';
  let message: Uint8Array;
  try {
    message = personalisationMessage(p);
  } catch {
    return 'signature';
  }
  if (!verifySignature(p.epochCertificate.signingPublicKey, message, p.signature)) return 'signature';
  const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(p.cardCertificate.signingPublicKey, own.signingPublicKey) || !same(p.cardCertificate.kemPublicKey, own.kemPublicKey)) return 'not-this-card';
  return 'ok';
}
