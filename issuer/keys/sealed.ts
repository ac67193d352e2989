import { gcm } from '@noble/ciphers/aes.js';
import { randomBytes } from '@noble/hashes/utils.js';
import { concat } from '../../src/protocol/bytes.ts';

// Secret keys at rest: AES-256-GCM under the master key from the environment
// (ISSUER_MASTER_KEY, 64 hex digits). The key's id is the associated data, so a sealed
// root key cannot be swapped in as an epoch key. An HSM replaces this file: the secret
// never leaves it and sealed_secret holds the HSM's key handle (docs/issuer.md).

export class SealError extends Error {
  readonly code = 'KEY_SEAL' as const;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SealError';
  }
}

const NONCE = 12;

export function parseMasterKey(hexKey: string | undefined): Uint8Array {
  if (!hexKey || !/^[0-9a-fA-F]{64}$/.test(hexKey)) {
    throw new SealError('ISSUER_MASTER_KEY must be 64 hex digits (a 256-bit key)');
  }
  return Uint8Array.from(hexKey.match(/../g) as string[], (h) => parseInt(h, 16));
}

const ad = (id: string) => new TextEncoder().encode(`icvault-issuer-key:${id}`);

export function seal(master: Uint8Array, id: string, secret: Uint8Array): Uint8Array {
  const nonce = randomBytes(NONCE);
  return concat(nonce, gcm(master, nonce, ad(id)).encrypt(secret));
}

export function unseal(master: Uint8Array, id: string, sealed: Uint8Array): Uint8Array {
  if (sealed.length < NONCE + 16) throw new SealError(`sealed key ${id} is truncated`);
  try {
    return gcm(master, sealed.subarray(0, NONCE), ad(id)).decrypt(sealed.subarray(NONCE));
  } catch (cause) {
    throw new SealError(`sealed key ${id} does not open under ISSUER_MASTER_KEY (wrong master key or damaged row)`, { cause });
  }
}
