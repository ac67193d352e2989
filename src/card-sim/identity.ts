/**
 * The identity block at the start of the system area (patent 080): what makes this
 * card this card. A restore authenticates these bytes but never writes them (the card
 * keeps its own card number, keys and PIN), and a backup seals them with the secret
 * fields zeroed, so no backup ever carries a key or the PIN.
 *
 *   0 'ICID'  4 version  5 initialised  6 card number (8)  14 issuer u32  18 epoch u16
 *   20 common key (32, 009)  52 card-unique key (32, 008)  84 issuer Ed25519 public key (32)
 *   116 PIN length u8  117 PIN (12, ASCII digits)
 *   129 adopted u8  130 adopted source card (8)  138 adopted key (32)  (KEY IMPORT, claim 8)
 *   170 PUK length u8  171 PUK (12, ASCII digits)  183 PUK tries left u8 (issue 10)
 * The PUK and its tries are secret fields: never in a backup (and a restore never
 * writes this block, so a restore cannot give the PUK its tries back).
 */
import { concat, readU16be, readU32be, u16be, u32be } from '../protocol/bytes.ts';
import { decodeCardNumber, encodeCardNumber } from '../protocol/card-number.ts';

export const IDENTITY_BYTES = 184;
/** Offset of the PUK's tries-left byte: written alone, before the PUK is compared. */
export const PUK_TRIES_OFFSET = 183;
const MAGIC = Uint8Array.of(0x49, 0x43, 0x49, 0x44);
const SECRET_RANGES: readonly [number, number][] = [
  [20, 84],
  [116, 129],
  [138, 170],
  [170, 184],
];

export interface Identity {
  initialised: boolean;
  cardNumber: string;
  issuer: number;
  epoch: number;
  commonKey: Uint8Array;
  uniqueKey: Uint8Array;
  issuerPublicKey: Uint8Array;
  pin: Uint8Array;
  adopted: { sourceCard: string; key: Uint8Array } | undefined;
  /** Empty when the card was initialised without one (RESET RETRY COUNTER then answers 6A88). */
  puk: Uint8Array;
  pukTries: number;
}

export function encodeIdentity(i: Identity): Uint8Array {
  const pin = new Uint8Array(12);
  pin.set(i.pin);
  const puk = new Uint8Array(12);
  puk.set(i.puk);
  return concat(
    MAGIC,
    Uint8Array.of(1, i.initialised ? 1 : 0),
    encodeCardNumber(i.cardNumber),
    u32be(i.issuer),
    u16be(i.epoch),
    i.commonKey,
    i.uniqueKey,
    i.issuerPublicKey,
    Uint8Array.of(i.pin.length),
    pin,
    Uint8Array.of(i.adopted ? 1 : 0),
    i.adopted ? encodeCardNumber(i.adopted.sourceCard) : new Uint8Array(8),
    i.adopted ? i.adopted.key : new Uint8Array(32),
    Uint8Array.of(i.puk.length),
    puk,
    Uint8Array.of(i.pukTries),
  );
}

/** A blank (never initialised) card reads as `initialised: false`. */
export function decodeIdentity(b: Uint8Array): Identity {
  const ok = MAGIC.every((v, i) => b[i] === v) && b[5] === 1;
  const card = decodeCardNumber(b.subarray(6, 14));
  const adopted = decodeCardNumber(b.subarray(130, 138));
  return {
    initialised: ok,
    cardNumber: ok && card.ok ? card.value : '0000000000000000',
    issuer: ok ? readU32be(b, 14) : 0,
    epoch: ok ? readU16be(b, 18) : 0,
    commonKey: b.slice(20, 52),
    uniqueKey: b.slice(52, 84),
    issuerPublicKey: b.slice(84, 116),
    pin: b.slice(117, 117 + Math.min(b[116] ?? 0, 12)),
    adopted: ok && b[129] === 1 && adopted.ok ? { sourceCard: adopted.value, key: b.slice(138, 170) } : undefined,
    puk: b.slice(171, 171 + Math.min(b[170] ?? 0, 12)),
    pukTries: b[PUK_TRIES_OFFSET] ?? 0,
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
