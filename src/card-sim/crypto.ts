/**
 * The card's cipher function (patent 005: encrypt 006, decrypt 007), built only from
 * audited libraries: AES-256-GCM-SIV (@noble/ciphers) and SHA-256 (@noble/hashes).
 * Formats and associated data come from ../protocol/backup-format.ts.
 */
import { gcmsiv } from '@noble/ciphers/aes.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, u32be } from '../protocol/bytes.ts';
import {
  headerNonce,
  pageAD,
  pageNonce,
  type BackupKind,
  type KeyContext,
} from '../protocol/backup-format.ts';

const EMPTY = new Uint8Array(0);

export function sealPage(key: Uint8Array, k: KeyContext, seq: number, kind: BackupKind, page: number, content: Uint8Array): Uint8Array {
  return gcmsiv(key, pageNonce(seq, page), pageAD(k, seq, kind, page, content.length)).encrypt(content);
}

/** The page content, or undefined when the record does not authenticate. */
export function openPage(key: Uint8Array, k: KeyContext, seq: number, kind: BackupKind, page: number, sealed: Uint8Array, pageSize: number): Uint8Array | undefined {
  try {
    return gcmsiv(key, pageNonce(seq, page), pageAD(k, seq, kind, page, pageSize)).decrypt(sealed);
  } catch {
    return undefined;
  }
}

/** The header's tag: GCM-SIV over an empty message with the header body as AD. */
export const headerTag = (key: Uint8Array, body: Uint8Array, seq: number): Uint8Array => gcmsiv(key, headerNonce(seq), body).encrypt(EMPTY);

export function headerTagValid(key: Uint8Array, body: Uint8Array, seq: number, tag: Uint8Array): boolean {
  try {
    return gcmsiv(key, headerNonce(seq), body).decrypt(tag).length === 0;
  } catch {
    return false;
  }
}

/** Constant-time enough for a simulator, but written as a full scan anyway. */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let d = 0;
  for (let i = 0; i < a.length; i++) d |= (a[i] as number) ^ (b[i] as number);
  return d === 0;
}

export type RandomSource = (n: number) => Uint8Array;

/**
 * The card's random source (120: the card makes its unique key). Default: the
 * platform CSPRNG (globalThis.crypto, in browsers and Node 20). With a seed: a
 * deterministic SHA-256 counter stream, for reproducible tests and demo cards only.
 */
export function randomSource(seed?: Uint8Array): RandomSource {
  if (!seed) {
    return (n) => {
      const out = new Uint8Array(n);
      globalThis.crypto.getRandomValues(out);
      return out;
    };
  }
  let counter = 0;
  const s = seed.slice();
  return (n) => {
    const blocks: Uint8Array[] = [];
    for (let got = 0; got < n; got += 32) blocks.push(sha256(concat(s, u32be(counter++))));
    return concat(...blocks).slice(0, n);
  };
}
