/**
 * The card's own key pairs (docs/trust.md): Ed25519 (signs challenges; in version 2 also
 * backup headers and receipts) and X25519 (receives sealed keys). Until the version 2
 * card lands (a blank card making them at manufacture, certified at personalisation),
 * they are derived inside the card from its unique key (008), which the card made itself
 * and which never leaves it in the clear: no new secret is stored, and none leaves.
 */
import { ed25519, x25519 } from '@noble/curves/ed25519.js';
import { hkdf } from '@noble/hashes/hkdf.js';
import { sha256 } from '@noble/hashes/sha2.js';

export interface CardKeys {
  signingSecretKey: Uint8Array;
  signingPublicKey: Uint8Array;
  kemSecretKey: Uint8Array;
  kemPublicKey: Uint8Array;
}

const label = (s: string) => new TextEncoder().encode(s);
const SALT = label('icvault card keys');

export function deriveCardKeys(uniqueKey: Uint8Array): CardKeys {
  const signingSecretKey = hkdf(sha256, uniqueKey, SALT, label('Ed25519 signing'), 32);
  const kemSecretKey = hkdf(sha256, uniqueKey, SALT, label('X25519 key agreement'), 32);
  return { signingSecretKey, signingPublicKey: ed25519.getPublicKey(signingSecretKey), kemSecretKey, kemPublicKey: x25519.getPublicKey(kemSecretKey) };
}
