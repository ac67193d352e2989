/**
 * The export file: one self-validating container (docs/vault-format.md).
 *
 *   0   'ICVAULT1'             8 bytes magic
 *   8   version u16 BE         2 is written (export-packs.ts); 1 is still read (below)
 *   10  flags u16 BE           0; anything else is refused
 *   12  indexLength u32 BE     N
 *   16  index                  N bytes of UTF-8 JSON
 *   16+N body                  version 1: the sealed pages back to back, in index.blobs order
 *                              version 2: page maps and packs as stored (export-packs.ts)
 *   end-32 digest              SHA-256 of every byte before it
 *
 * This module reads the container and version 1's body; it is pure: bytes in, checked
 * contents out, or a BAD_FILE VaultError naming what is wrong.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, readU16be, readU32be, u16be, u32be } from '../protocol/bytes.ts';
import { VaultError } from './errors.ts';
import { sha256Hex, shortHash, toHex } from './hash.ts';
import type { CardRow } from './schema.ts';

export const EXPORT_MAGIC = 'ICVAULT1';
/** The version this app writes. */
export const EXPORT_VERSION = 2;
/** The first version: one entry per sealed page; still read, no longer written. */
export const EXPORT_V1 = 1;
export const PREAMBLE = 16;
export const DIGEST = 32;

/** A card as exported: its identity and layout; the head is recomputed on import. */
export type ExportCard = Pick<CardRow, 'cardNumber' | 'issuer' | 'epoch' | 'label' | 'memorySize' | 'pageSize' | 'createdAt'> & {
  /** hex of the card certificate (protocol version 2), absent for cards that do not sign headers */
  certificate?: string;
};

export interface ExportBackup {
  card: string;
  seq: number;
  confirmed: boolean;
  storedAt: number;
  header: string; // hex, 126 bytes
  wrappedKey: string; // hex, 79 bytes
  /** hex of the card's signature over the header (protocol version 2), if signed */
  headerSignature?: string;
  headerHash: string;
}

export interface ExportTombstone {
  card: string;
  seq: number;
  header: string;
  /** hex of the deleted backup's wrapped key, kept with a signed header (the signature covers it) */
  wrappedKey?: string;
  headerSignature?: string;
  headerHash: string;
  deletedAt: number;
  reason: string;
}

export interface ExportManifest {
  card: string;
  seq: number;
  /** Per page: seq of its newest copy, kind code of that backup, index into `blobs`. */
  seqs: number[];
  kinds: number[];
  blobs: number[];
}

export interface ExportIndex {
  format: 'icvault-export';
  version: number;
  createdAt: number;
  /** The whole vault, or one card's chain. */
  scope: 'vault' | 'card';
  cards: ExportCard[];
  backups: ExportBackup[];
  tombstones: ExportTombstone[];
  manifests: ExportManifest[];
  /** [SHA-256 hex, length] of each blob, in file order. */
  blobs: [string, number][];
}

export interface ExportContents {
  index: ExportIndex;
  /** Blob bytes in index.blobs order, each already checked against its hash. */
  blobs: Uint8Array[];
}

/** A version-1 file, as this app wrote it before version 2 (tests make old files with it). */
export function encodeExportV1(c: ExportContents): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(c.index));
  const body = concat(new TextEncoder().encode(EXPORT_MAGIC), u16be(EXPORT_V1), u16be(0), u32be(json.length), json, ...c.blobs);
  return concat(body, sha256(body));
}

export const bad = (msg: string) => new VaultError('BAD_FILE', `not a usable vault export: ${msg}`);

export interface Container {
  version: number;
  /** The index as parsed JSON, shape not yet checked. */
  raw: unknown;
  /** Byte where the body starts (16 + N). */
  body: number;
}

/** The preamble and the index's JSON, for either version. */
export function readContainer(file: Uint8Array): Container {
  if (file.length < PREAMBLE) throw bad(`file truncated at byte ${file.length} (the preamble alone is ${PREAMBLE} bytes)`);
  if (new TextDecoder().decode(file.subarray(0, 8)) !== EXPORT_MAGIC) throw bad(`bad magic: this is not an icvault export`);
  const version = readU16be(file, 8);
  if (version !== EXPORT_VERSION && version !== EXPORT_V1) throw bad(`unsupported version ${version} (this app reads versions ${EXPORT_V1} and ${EXPORT_VERSION})`);
  const flags = readU16be(file, 10);
  if (flags !== 0) throw bad(`unknown flags 0x${flags.toString(16)}`);
  const n = readU32be(file, 12);
  if (file.length < PREAMBLE + n) throw bad(`file truncated at byte ${file.length}: the index alone runs to byte ${PREAMBLE + n}`);
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(file.subarray(PREAMBLE, PREAMBLE + n)));
  } catch (e) {
    throw new VaultError('BAD_FILE', `not a usable vault export: the index (bytes ${PREAMBLE}..${PREAMBLE + n}) is not valid JSON`, { cause: e });
  }
  return { version, raw, body: PREAMBLE + n };
}

/** A version-1 file's contents: index and every blob, each checked against its hash. */
export function decodeExportV1(file: Uint8Array, c: Container): ExportContents {
  const index = checkIndex(c.raw);
  const n = c.body - PREAMBLE;
  const total = PREAMBLE + n + index.blobs.reduce((s, [, len]) => s + len, 0) + DIGEST;
  if (file.length < total) throw bad(`file truncated at byte ${file.length}: the index announces ${total} bytes`);
  if (file.length > total) throw bad(`${file.length - total} unexpected bytes after the end (byte ${total})`);
  const blobs: Uint8Array[] = [];
  let at = PREAMBLE + n;
  for (const [hash, len] of index.blobs) {
    const b = file.slice(at, at + len);
    if (sha256Hex(b) !== hash) throw bad(`blob ${shortHash(hash)}${whereUsed(index, blobs.length)}: hash mismatch (bytes ${at}..${at + len})`);
    blobs.push(b);
    at += len;
  }
  if (toHex(sha256(file.subarray(0, at))) !== toHex(file.subarray(at))) throw bad(`checksum mismatch: the file was altered after it was written`);
  return { index, blobs };
}

/** " of card 1234… seq 17 page 12": the first place a blob is used, for messages. */
export function whereUsed(index: ExportIndex, blob: number): string {
  for (const m of index.manifests) {
    const page = m.blobs.indexOf(blob);
    if (page >= 0) return ` of card ${m.card} seq ${m.seq} page ${page}`;
  }
  return ' (used by no manifest)';
}

// ---------------------------------------------------------------- index shape

export type Check = (v: unknown, at: string) => void;
export const fail = (at: string, what: string) => {
  throw bad(`index ${at}: expected ${what}`);
};
export const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const uint: Check = (v, at) => {
  if (!Number.isSafeInteger(v) || (v as number) < 0) fail(at, 'a whole number >= 0');
};
export const str: Check = (v, at) => {
  if (typeof v !== 'string') fail(at, 'a string');
};
export const hexStr =
  (bytes: number): Check =>
  (v, at) => {
    if (typeof v !== 'string' || v.length !== bytes * 2 || !/^[0-9a-f]*$/.test(v)) fail(at, `${bytes} bytes of lowercase hex`);
  };
export const bool: Check = (v, at) => {
  if (typeof v !== 'boolean') fail(at, 'true or false');
};
export const uintArray: Check = (v, at) => {
  if (!Array.isArray(v) || !v.every((x) => Number.isSafeInteger(x) && x >= 0)) fail(at, 'a list of whole numbers');
};

export function list(raw: Record<string, unknown>, key: string, fields: Record<string, Check>): void {
  const v = raw[key];
  if (!Array.isArray(v)) fail(key, 'a list');
  (v as unknown[]).forEach((item, i) => {
    if (!isObj(item)) fail(`${key}[${i}]`, 'an object');
    for (const [f, check] of Object.entries(fields)) check((item as Record<string, unknown>)[f], `${key}[${i}].${f}`);
  });
}

/** An optional field: absent, or passing `check`. */
export const optional =
  (check: Check): Check =>
  (v, at) => {
    if (v !== undefined) check(v, at);
  };
export const hexAny: Check = (v, at) => {
  if (typeof v !== 'string' || v.length % 2 !== 0 || v.length > 1024 || !/^[0-9a-f]*$/.test(v)) fail(at, 'lowercase hex of at most 512 bytes');
};

export const card = (v: unknown, at: string) => {
  if (typeof v !== 'string' || !/^\d{16}$/.test(v)) fail(at, 'a 16-digit card number');
};

/** Check a version-1 index's shape; its meaning (headers, chain, manifests) is export-check's. */
function checkIndex(raw: unknown): ExportIndex {
  if (!isObj(raw) || raw.format !== 'icvault-export') throw bad('the index is not an icvault export index');
  if (raw.version !== EXPORT_V1) throw bad(`unsupported index version ${String(raw.version)}`);
  uint(raw.createdAt, 'createdAt');
  if (raw.scope !== 'vault' && raw.scope !== 'card') fail('scope', '"vault" or "card"');
  list(raw, 'cards', { cardNumber: card, issuer: uint, epoch: uint, label: str, memorySize: uint, pageSize: uint, createdAt: uint, certificate: optional(hexAny) });
  list(raw, 'backups', { card, seq: uint, confirmed: bool, storedAt: uint, header: hexStr(126), wrappedKey: hexStr(79), headerHash: hexStr(32), headerSignature: optional(hexStr(64)) });
  list(raw, 'tombstones', { card, seq: uint, header: hexStr(126), headerHash: hexStr(32), deletedAt: uint, reason: str, wrappedKey: optional(hexStr(99)), headerSignature: optional(hexStr(64)) });
  list(raw, 'manifests', { card, seq: uint, seqs: uintArray, kinds: uintArray, blobs: uintArray });
  const blobs = raw.blobs;
  if (!Array.isArray(blobs)) fail('blobs', 'a list');
  (blobs as unknown[]).forEach((b, i) => {
    if (!Array.isArray(b) || b.length !== 2) fail(`blobs[${i}]`, '[hash, length]');
    hexStr(32)((b as unknown[])[0], `blobs[${i}][0]`);
    uint((b as unknown[])[1], `blobs[${i}][1]`);
  });
  return raw as unknown as ExportIndex;
}
