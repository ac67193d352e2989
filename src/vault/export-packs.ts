/**
 * Export file version 2: the vault's values as they are stored, so export and import copy
 * bytes instead of cutting packs into pages and hashing each (version 1 cost 23x a raw
 * read to write and 38x a raw put to read, issue 15). The container is export-format's.
 *
 *   index (JSON)  cards, backups, tombstones as in version 1 (a wrapped key is 79 bytes for
 *                 protocol version 1, 99 for version 2), and two lists announcing the body:
 *                   maps:  [{card, seq, bytes}]                          bytes = 5 x pages
 *                   packs: [{card, seq, count, recordBytes, bytes, hash}] bytes = count x (4 + recordBytes)
 *   body          each map, then each pack, back to back in index order:
 *                   map  = seq of each page's newest copy (u32 BE per page) ‖ kind code per page (u8)
 *                   pack = its pages (u32 BE each, ascending) ‖ the sealed records, record i for page i
 *   digest        SHA-256 of everything before it
 *
 * The index announces every section's length, so the file's length is known after the
 * index; each pack carries the SHA-256 of its sealed records, which import recomputes
 * (it is the hash the vault keeps with the pack) and the trailing digest covers the rest.
 * Hashes here are WebCrypto's (native, async) where the platform has it.
 */
import { concat, u16be, u32be } from '../protocol/bytes.ts';
import { VaultError } from './errors.ts';
import { bad, bool, card, DIGEST, EXPORT_MAGIC, EXPORT_VERSION, fail, hexAny, hexStr, isObj, list, optional, str, uint, type Container, type ExportBackup, type ExportCard, type ExportTombstone } from './export-format.ts';
import { digestBytes, digestHex, shortHash, toHex } from './hash.ts';
import type { ManifestRow, PackRow } from './schema.ts';

export interface MapEntry {
  card: string;
  seq: number;
  bytes: number;
}

export interface PackEntry {
  card: string;
  seq: number;
  count: number;
  recordBytes: number;
  bytes: number;
  hash: string;
}

export interface ExportIndexV2 {
  format: 'icvault-export';
  version: 2;
  createdAt: number;
  scope: 'vault' | 'card';
  cards: ExportCard[];
  backups: ExportBackup[];
  tombstones: ExportTombstone[];
  maps: MapEntry[];
  packs: PackEntry[];
}

export interface ContentsV2 {
  index: ExportIndexV2;
  maps: ManifestRow[];
  /** Each pack's hash already recomputed from its bytes and equal to the announced one. */
  packs: HashedPack[];
}

/** Big-endian u32s into `out` at `at` (the file's byte order, whatever the platform's). */
function putU32s(out: Uint8Array, at: number, xs: ArrayLike<number>): void {
  const v = new DataView(out.buffer, out.byteOffset + at, xs.length * 4);
  for (let i = 0; i < xs.length; i++) v.setUint32(i * 4, xs[i] as number);
}

function getU32s(b: Uint8Array, at: number, n: number): Uint32Array {
  const out = new Uint32Array(n);
  const v = new DataView(b.buffer, b.byteOffset + at, n * 4);
  for (let i = 0; i < n; i++) out[i] = v.getUint32(i * 4);
  return out;
}

/** A pack with the hash the vault keeps for it (pack-hash.ts), as the file carries it. */
export type HashedPack = PackRow & { hash: string };

/** The whole file in one buffer: no intermediate copies of the packs. */
export async function encodeExportV2(index: Omit<ExportIndexV2, 'maps' | 'packs'>, maps: ManifestRow[], packs: HashedPack[]): Promise<Uint8Array> {
  const full: ExportIndexV2 = {
    ...index,
    maps: maps.map((m) => ({ card: m.cardNumber, seq: m.seq, bytes: m.seqs.length * 5 })),
    packs: packs.map((p) => ({ card: p.cardNumber, seq: p.seq, count: p.pages.length, recordBytes: p.recordBytes, bytes: p.pages.length * 4 + p.sealed.length, hash: p.hash })),
  };
  const json = new TextEncoder().encode(JSON.stringify(full));
  const head = concat(new TextEncoder().encode(EXPORT_MAGIC), u16be(EXPORT_VERSION), u16be(0), u32be(json.length), json);
  const body = full.maps.reduce((s, m) => s + m.bytes, 0) + full.packs.reduce((s, p) => s + p.bytes, 0);
  const out = new Uint8Array(head.length + body + DIGEST);
  out.set(head);
  let at = head.length;
  for (const m of maps) {
    putU32s(out, at, m.seqs);
    out.set(m.kinds, at + m.seqs.length * 4);
    at += m.seqs.length * 5;
  }
  for (const p of packs) {
    putU32s(out, at, p.pages);
    out.set(p.sealed, at + p.pages.length * 4);
    at += p.pages.length * 4 + p.sealed.length;
  }
  out.set(await digestBytes(out.subarray(0, at)), at);
  return out;
}

/** Check a version-2 index's shape; what it means is export-check-v2's. */
function checkIndexV2(raw: unknown): ExportIndexV2 {
  if (!isObj(raw) || raw.format !== 'icvault-export') throw bad('the index is not an icvault export index');
  if (raw.version !== EXPORT_VERSION) throw bad(`unsupported index version ${String(raw.version)}`);
  uint(raw.createdAt, 'createdAt');
  if (raw.scope !== 'vault' && raw.scope !== 'card') fail('scope', '"vault" or "card"');
  list(raw, 'cards', { cardNumber: card, issuer: uint, epoch: uint, label: str, memorySize: uint, pageSize: uint, createdAt: uint, certificate: optional(hexAny) });
  const key: (v: unknown, at: string) => void = (v, at) => {
    if (typeof v !== 'string' || (v.length !== 158 && v.length !== 198) || !/^[0-9a-f]*$/.test(v)) fail(at, '79 or 99 bytes of lowercase hex');
  };
  list(raw, 'backups', { card, seq: uint, confirmed: bool, storedAt: uint, header: hexStr(126), wrappedKey: key, headerHash: hexStr(32), headerSignature: optional(hexStr(64)) });
  list(raw, 'tombstones', { card, seq: uint, header: hexStr(126), headerHash: hexStr(32), deletedAt: uint, reason: str, wrappedKey: optional(hexStr(99)), headerSignature: optional(hexStr(64)) });
  list(raw, 'maps', { card, seq: uint, bytes: uint });
  list(raw, 'packs', { card, seq: uint, count: uint, recordBytes: uint, bytes: uint, hash: hexStr(32) });
  const index = raw as unknown as ExportIndexV2;
  index.maps.forEach((m, i) => {
    if (m.bytes % 5 !== 0) fail(`maps[${i}].bytes`, 'a multiple of 5 (4 + 1 bytes per page)');
  });
  index.packs.forEach((p, i) => {
    if (p.recordBytes === 0 || p.bytes !== p.count * (4 + p.recordBytes)) fail(`packs[${i}].bytes`, `count x (4 + recordBytes) = ${p.count * (4 + p.recordBytes)}`);
  });
  return index;
}

/** A version-2 file's contents: the digest, then every pack's hash, checked. */
export async function decodeExportV2(file: Uint8Array, c: Container): Promise<ContentsV2> {
  const index = checkIndexV2(c.raw);
  const total = c.body + index.maps.reduce((s, m) => s + m.bytes, 0) + index.packs.reduce((s, p) => s + p.bytes, 0) + DIGEST;
  if (file.length < total) throw bad(`file truncated at byte ${file.length}: the index announces ${total} bytes`);
  if (file.length > total) throw bad(`${file.length - total} unexpected bytes after the end (byte ${total})`);
  const end = total - DIGEST;
  if (toHex(await digestBytes(file.subarray(0, end))) !== toHex(file.subarray(end))) throw bad(`checksum mismatch: the file was altered after it was written`);
  let at = c.body;
  const maps = index.maps.map((m): ManifestRow => {
    const n = m.bytes / 5;
    const row = { cardNumber: m.card, seq: m.seq, seqs: getU32s(file, at, n), kinds: file.slice(at + n * 4, at + n * 5) };
    at += m.bytes;
    return row;
  });
  const packs = index.packs.map((p): HashedPack => {
    // slice, never subarray: a stored view would drag the whole file's buffer into the database.
    const row = { cardNumber: p.card, seq: p.seq, pages: getU32s(file, at, p.count), recordBytes: p.recordBytes, sealed: file.slice(at + p.count * 4, at + p.bytes), hash: p.hash };
    at += p.bytes;
    return row;
  });
  const actual = await Promise.all(packs.map((p) => digestHex(p.sealed)));
  packs.forEach((p, i) => {
    if (actual[i] !== p.hash) throw new VaultError('BAD_FILE', `not a usable vault export: the pages of card ${p.cardNumber} seq ${p.seq} hash to ${shortHash(actual[i] ?? '')}, the file says ${shortHash(p.hash)}`);
  });
  return { index, maps, packs };
}
