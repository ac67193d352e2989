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
  const subtle = (globalThis as { crypto?: { subtle?: SubtleLike } }).crypto?.subtle;
  if (!subtle) return sha256Hex(b);
  const copy = b.buffer instanceof ArrayBuffer && b.byteOffset === 0 && b.byteLength === b.buffer.byteLength ? (b as Uint8Array<ArrayBuffer>) : new Uint8Array(b);
  return toHex(new Uint8Array(await subtle.digest('SHA-256', copy)));
}
