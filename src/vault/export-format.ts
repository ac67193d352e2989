/**
 * The export file: one self-validating container (docs/vault-format.md).
 *
 *   0   'ICVAULT1'             8 bytes magic
 *   8   version u16 BE         this code writes and reads 1
 *   10  flags u16 BE           0; anything else is refused
 *   12  indexLength u32 BE     N
 *   16  index                  N bytes of UTF-8 JSON (ExportIndex)
 *   16+N blobs                 the sealed pages, back to back, in index.blobs order
 *   end-32 digest              SHA-256 of every byte before it
 *
 * Streaming-friendly: the index comes first and announces every blob's hash and length,
 * so a reader checks each blob as it arrives and knows the exact file length up front;
 * a writer hashes as it writes and appends the digest. This module is pure: bytes in,
 * checked contents out, or a BAD_FILE VaultError naming what is wrong.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { concat, readU16be, readU32be, u16be, u32be } from '../protocol/bytes.ts';
import { VaultError } from './errors.ts';
import { sha256Hex, shortHash, toHex } from './hash.ts';
import type { CardRow } from './schema.ts';

export const EXPORT_MAGIC = 'ICVAULT1';
export const EXPORT_VERSION = 1;
const PREAMBLE = 16;
const DIGEST = 32;

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

export function encodeExport(c: ExportContents): Uint8Array {
  const json = new TextEncoder().encode(JSON.stringify(c.index));
  const body = concat(new TextEncoder().encode(EXPORT_MAGIC), u16be(EXPORT_VERSION), u16be(0), u32be(json.length), json, ...c.blobs);
  return concat(body, sha256(body));
}

const bad = (msg: string) => new VaultError('BAD_FILE', `not a usable vault export: ${msg}`);

export function decodeExport(file: Uint8Array): ExportContents {
  if (file.length < PREAMBLE) throw bad(`file truncated at byte ${file.length} (the preamble alone is ${PREAMBLE} bytes)`);
  if (new TextDecoder().decode(file.subarray(0, 8)) !== EXPORT_MAGIC) throw bad(`bad magic: this is not an icvault export`);
  const version = readU16be(file, 8);
  if (version !== EXPORT_VERSION) throw bad(`unsupported version ${version} (this app reads version ${EXPORT_VERSION})`);
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
  const index = checkIndex(raw);
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

type Check = (v: unknown, at: string) => void;
const fail = (at: string, what: string) => {
  throw bad(`index ${at}: expected ${what}`);
};
const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const uint: Check = (v, at) => {
  if (!Number.isSafeInteger(v) || (v as number) < 0) fail(at, 'a whole number >= 0');
};
const str: Check = (v, at) => {
  if (typeof v !== 'string') fail(at, 'a string');
};
const hexStr =
  (bytes: number): Check =>
  (v, at) => {
    if (typeof v !== 'string' || v.length !== bytes * 2 || !/^[0-9a-f]*$/.test(v)) fail(at, `${bytes} bytes of lowercase hex`);
  };
const bool: Check = (v, at) => {
  if (typeof v !== 'boolean') fail(at, 'true or false');
};
const uintArray: Check = (v, at) => {
  if (!Array.isArray(v) || !v.every((x) => Number.isSafeInteger(x) && x >= 0)) fail(at, 'a list of whole numbers');
};

function list(raw: Record<string, unknown>, key: string, fields: Record<string, Check>): void {
  const v = raw[key];
  if (!Array.isArray(v)) fail(key, 'a list');
  (v as unknown[]).forEach((item, i) => {
    if (!isObj(item)) fail(`${key}[${i}]`, 'an object');
    for (const [f, check] of Object.entries(fields)) check((item as Record<string, unknown>)[f], `${key}[${i}].${f}`);
  });
}

/** An optional field: absent, or passing `check`. */
const optional =
  (check: Check): Check =>
  (v, at) => {
    if (v !== undefined) check(v, at);
  };
const hexAny: Check = (v, at) => {
  if (typeof v !== 'string' || v.length % 2 !== 0 || v.length > 1024 || !/^[0-9a-f]*$/.test(v)) fail(at, 'lowercase hex of at most 512 bytes');
};

const card = (v: unknown, at: string) => {
  if (typeof v !== 'string' || !/^\d{16}$/.test(v)) fail(at, 'a 16-digit card number');
};

/** Check the index's shape; its meaning (headers, chain, manifests) is export-check's. */
function checkIndex(raw: unknown): ExportIndex {
  if (!isObj(raw) || raw.format !== 'icvault-export') throw bad('the index is not an icvault export index');
  if (raw.version !== EXPORT_VERSION) throw bad(`unsupported index version ${String(raw.version)}`);
  uint(raw.createdAt, 'createdAt');
  if (raw.scope !== 'vault' && raw.scope !== 'card') fail('scope', '"vault" or "card"');
  list(raw, 'cards', { cardNumber: card, issuer: uint, epoch: uint, label: str, memorySize: uint, pageSize: uint, createdAt: uint, certificate: optional(hexAny) });
  list(raw, 'backups', { card, seq: uint, confirmed: bool, storedAt: uint, header: hexStr(126), wrappedKey: hexStr(79), headerHash: hexStr(32), headerSignature: optional(hexStr(64)) });
  list(raw, 'tombstones', { card, seq: uint, header: hexStr(126), headerHash: hexStr(32), deletedAt: uint, reason: str, headerSignature: optional(hexStr(64)) });
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
