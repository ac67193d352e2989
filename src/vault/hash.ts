/** Hashes as the vault keys them: lowercase hex of SHA-256. */
import { sha256 } from '@noble/hashes/sha2.js';
import { hex } from '../protocol/bytes.ts';

export const toHex = (b: Uint8Array): string => hex(b).toLowerCase();
export const sha256Hex = (b: Uint8Array): string => toHex(sha256(b));
/** "3f2a9c01…" for messages: enough to find it, short enough to read. */
export const shortHash = (h: string): string => `${h.slice(0, 8)}…`;
