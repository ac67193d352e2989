import { scryptAsync } from '@noble/hashes/scrypt.js';
import { bytesToHex, randomBytes } from '@noble/hashes/utils.js';
import { createHash, timingSafeEqual } from 'node:crypto';

// Recovery codes and operator credentials: shown once, stored as a slow hash (scrypt,
// N=2^15 r=8 p=1, OWASP's minimum). Session tokens are random 256-bit values stored as
// SHA-256 (they are long enough that a fast hash is enough).

const SCRYPT = { N: 2 ** 15, r: 8, p: 1, dkLen: 32 } as const;
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789'; // no 0/O, 1/I

/** 20 characters of a 32-letter alphabet (100 bits), grouped by 4 for reading aloud. */
export function newRecoveryCode(): string {
  const r = randomBytes(20);
  const chars = Array.from(r, (b) => ALPHABET[b & 31] as string).join('');
  return chars.match(/.{4}/g)?.join('-') ?? chars;
}

/** Case and dashes do not matter when the holder types the code back. */
export const normaliseCode = (code: string) => code.toUpperCase().replace(/[^A-Z0-9]/g, '');

export async function slowHash(secret: string, salt: Uint8Array): Promise<Uint8Array> {
  return scryptAsync(new TextEncoder().encode(normaliseCode(secret)), salt, SCRYPT);
}

export async function newSlowHash(secret: string): Promise<{ salt: Uint8Array; hash: Uint8Array }> {
  const salt = randomBytes(16);
  return { salt, hash: await slowHash(secret, salt) };
}

export async function checkSlowHash(secret: string, salt: Uint8Array, hash: Uint8Array): Promise<boolean> {
  return sameSecret(await slowHash(secret, salt), hash);
}

/** Constant-time comparison of two secrets' hashes (Node's CRYPTO_memcmp): the time of a
 *  wrong guess does not tell how many leading bytes were right. Lengths are not secret. */
export function sameSecret(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

export const newToken = () => bytesToHex(randomBytes(32));
// Every request of a card hashes its token (the session cache's key): through OpenSSL.
export const tokenHash = (token: string) => new Uint8Array(createHash('sha256').update(token, 'utf8').digest());
