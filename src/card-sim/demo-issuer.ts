/**
 * The demo issuer: a fixed common key and Ed25519 key pair, so demo cards of one
 * browser can restore onto each other. Demo only: a real issuer's keys never sit in
 * an app. The UI (demo mode) hands `secretKey` to the host to sign authorisations.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';

const derive = (label: string) => sha256(new TextEncoder().encode(`icvault demo issuer: ${label}`));
const pair = ed25519.keygen(derive('signing key'));

export const DEMO_ISSUER = {
  issuer: 0x49435631, // 'ICV1'
  epoch: 1,
  commonKey: derive('common key, epoch 1'),
  secretKey: pair.secretKey,
  publicKey: pair.publicKey,
} as const;
