/**
 * The identity block at the start of the system area (patent 080): what makes this
 * card this card (protocol version 2, docs/trust.md "Keys"). A restore authenticates
 * these bytes but never writes them (the card keeps its own card number, keys and PIN),
 * and a backup seals them with the secret fields zeroed, so no backup ever carries a key
 * or the PIN.
 *
 *   0 'ICID'  4 version (2)  5 personalised u8
 *   6 card number (8)  14 issuer u32  18 epoch u16  20 minEpoch u16
 *   22 root public key (32): the issuer's root, the card's one trust anchor (manufacture)
 *   54 card-unique key (32, 008)  86 Ed25519 signing secret (32)  118 X25519 secret (32)
 *      (all three made by the card itself at manufacture, never leaving it: 120)
 *   150 PIN length u8  151 PIN (12)  163 PUK length u8  164 PUK (12)  176 PUK tries u8
 *   177 card certificate (147)  324 epoch certificate (141)          = 465 bytes
 * A block without the magic and version 2 is no card of this protocol (a version-1
 * card's bytes read as not manufactured: every command needing a card answers 6985).
 */
import { concat, readU16be, readU32be, u16be, u32be } from '../protocol/bytes.ts';
import { decodeCardNumber, encodeCardNumber } from '../protocol/card-number.ts';
import { CARD_CERTIFICATE_BYTES, EPOCH_CERTIFICATE_BYTES } from '../protocol/trust/certificates.ts';

export const IDENTITY_VERSION = 2;
export const IDENTITY_BYTES = 177 + CARD_CERTIFICATE_BYTES + EPOCH_CERTIFICATE_BYTES; // 465
/** Offset of the PUK's tries-left byte: written alone, before the PUK is compared. */
export const PUK_TRIES_OFFSET = 176;
const MAGIC = Uint8Array.of(0x49, 0x43, 0x49, 0x44);
/** unique key, both secret keys, PIN, PUK and its tries. */
const SECRET_RANGES: readonly [number, number][] = [[54, 177]];

export interface Identity {
  /** Made at manufacture: keys and root present (a blank card is manufactured, not personalised). */
  manufactured: boolean;
  /** Personalised by the issuer (INITIALISE): card number, certificates, PIN, PUK. */
  initialised: boolean;
  cardNumber: string;
  issuer: number;
  epoch: number;
  /** Backups of epochs below this are refused (docs/trust.md "Epochs"). */
  minEpoch: number;
  rootPublicKey: Uint8Array;
  uniqueKey: Uint8Array;
  signingSecretKey: Uint8Array;
  kemSecretKey: Uint8Array;
  pin: Uint8Array;
  /** Empty on a blank card. */
  puk: Uint8Array;
  pukTries: number;
  /** The card's certificate as the issuer signed it (empty on a blank card). */
  cardCertificate: Uint8Array;
  /** The current epoch's certificate, signed by the root (empty on a blank card). */
  epochCertificate: Uint8Array;
}

const fixed = (b: Uint8Array, n: number): Uint8Array => {
  const out = new Uint8Array(n);
  out.set(b.subarray(0, n));
  return out;
};

export function encodeIdentity(i: Identity): Uint8Array {
  return concat(
    i.manufactured ? MAGIC : new Uint8Array(4),
    Uint8Array.of(IDENTITY_VERSION, i.initialised ? 1 : 0),
    encodeCardNumber(i.cardNumber),
    u32be(i.issuer),
    u16be(i.epoch),
    u16be(i.minEpoch),
    fixed(i.rootPublicKey, 32),
    fixed(i.uniqueKey, 32),
    fixed(i.signingSecretKey, 32),
    fixed(i.kemSecretKey, 32),
    Uint8Array.of(i.pin.length),
    fixed(i.pin, 12),
    Uint8Array.of(i.puk.length),
    fixed(i.puk, 12),
    Uint8Array.of(i.pukTries),
    fixed(i.cardCertificate, CARD_CERTIFICATE_BYTES),
    fixed(i.epochCertificate, EPOCH_CERTIFICATE_BYTES),
  );
}

export function decodeIdentity(b: Uint8Array): Identity {
  const manufactured = MAGIC.every((v, i) => b[i] === v) && b[4] === IDENTITY_VERSION;
  const initialised = manufactured && b[5] === 1;
  const card = decodeCardNumber(b.subarray(6, 14));
  return {
    manufactured,
    initialised,
    cardNumber: initialised && card.ok ? card.value : '0000000000000000',
    issuer: initialised ? readU32be(b, 14) : 0,
    epoch: initialised ? readU16be(b, 18) : 0,
    minEpoch: initialised ? readU16be(b, 20) : 0,
    rootPublicKey: b.slice(22, 54),
    uniqueKey: b.slice(54, 86),
    signingSecretKey: b.slice(86, 118),
    kemSecretKey: b.slice(118, 150),
    pin: b.slice(151, 151 + Math.min(b[150] ?? 0, 12)),
    puk: b.slice(164, 164 + Math.min(b[163] ?? 0, 12)),
    pukTries: b[PUK_TRIES_OFFSET] ?? 0,
    cardCertificate: initialised ? b.slice(177, 177 + CARD_CERTIFICATE_BYTES) : new Uint8Array(0),
    epochCertificate: initialised ? b.slice(177 + CARD_CERTIFICATE_BYTES, IDENTITY_BYTES) : new Uint8Array(0),
  };
}

/** Zero the secret fields of whatever part of the identity block lies in `page` bytes at `offset`. */
export function redactSecrets(bytes: Uint8Array, offset: number): Uint8Array {
  const out = bytes.slice();
  for (const [from, to] of SECRET_RANGES) {
    const a = Math.max(from, offset);
    const z = Math.min(to, offset + out.length);
    if (a < z) out.fill(0, a - offset, z - offset);
  }
  return out;
}
