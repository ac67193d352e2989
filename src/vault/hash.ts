/** Hashes as the vault keys them: lowercase hex of SHA-256. */
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '../protocol/bytes.ts';

export const toHex = (b: Uint8Array): string => hex(b).toLowerCase();
export const sha256Hex = (b: Uint8Array): string => toHex(sha256(b));
/** "3f2a9c01…" for messages: enough to find it, short enough to read. */
export const shortHash = (h: string): string => `${h.slice(0, 8)}…`;

interface SubtleLike {
  digest(alg: 'SHA-256', data: Uint8Array<ArrayBuffer>): Promise<ArrayBuffer>;
}

/**
 * SHA-256 hex of a whole pack: WebCrypto where the platform has it (native, ~10x the
 * JavaScript library on a MiB), else the library. Async, so call it outside any
 * IndexedDB transaction (awaiting it inside would let the transaction commit).
 */
export async function digestHex(b: Uint8Array): Promise<string> {
  return toHex(await digestBytes(b));
}

/** SHA-256 of `b` as bytes, as digestHex (WebCrypto where present). */
export async function digestBytes(b: Uint8Array): Promise<Uint8Array> {
  const subtle = (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
  if (!subtle) return sha256(b);
  // WebCrypto takes a view as it is (it copies the bytes it reads); only a shared buffer needs copying first.
  const input = b.buffer instanceof ArrayBuffer ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b);
  return new Uint8Array(await subtle.digest('SHA-256', input));
}
