/** Hashes as the vault keys them: lowercase hex of SHA-256. */
import { sha256 } from '@noble/hashes/sha2.js';

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
/** Lowercase hex; by table, as export and import turn thousands of headers and hashes into hex and back. */
export function toHex(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += HEX[b[i] as number] as string;
  return s;
}

/** Bytes of lowercase or uppercase hex; the caller has checked the string's shape (export-format). */
export function hexBytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length >>> 1);
  for (let i = 0; i < out.length; i++) out[i] = (nibble(s.charCodeAt(2 * i)) << 4) | nibble(s.charCodeAt(2 * i + 1));
  return out;
}

/** '0'-'9', 'a'-'f', 'A'-'F' to 0-15 (the shape was checked before). */
const nibble = (c: number): number => (c <= 57 ? c - 48 : (c | 32) - 87);
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
