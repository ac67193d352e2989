/**
 * The card's own key pairs (docs/trust.md "Keys"): Ed25519 (signs challenges, backup
 * headers and receipts) and X25519 (opens what the issuer seals to it: the PIN and PUK at
 * personalisation, another card's key inside a restore authorisation). The card makes
 * both secrets from its own random source at manufacture (120); they never leave it.
 * The public halves are computed when asked, not stored, so they cannot disagree.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import type { RandomSource } from './crypto.ts';

export interface CardPublicKeys {
  signingPublicKey: Uint8Array;
  kemPublicKey: Uint8Array;
}

export interface CardSecretKeys {
  uniqueKey: Uint8Array;
  signingSecretKey: Uint8Array;
  kemSecretKey: Uint8Array;
}

export const cardPublicKeys = (k: Pick<CardSecretKeys, 'signingSecretKey' | 'kemSecretKey'>): CardPublicKeys => ({
  signingPublicKey: ed25519.getPublicKey(k.signingSecretKey),
  kemPublicKey: x25519.getPublicKey(k.kemSecretKey),
});

/** Three independent 32-byte secrets from the card's random source. */
export const makeCardSecretKeys = (random: RandomSource): CardSecretKeys => ({ uniqueKey: random(32), signingSecretKey: random(32), kemSecretKey: random(32) });
