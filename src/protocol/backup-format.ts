/**
 * Byte formats of backup data (patent fig. 7-9), shared by the card that makes and
 * checks them and the host that stores them. Pure codecs: no crypto here except the
 * SHA-256 digests both sides must agree on. docs/protocol.md is the prose reference.
 *
 * Backup data (fig. 7), version 2 = wrapped key v2 (99) ‖ BackupHeader ‖ the card's
 * signature over the header (64), then the data part as segments
 * (src/protocol/trust/backup-data.ts, wrapped-key.ts, header-signature.ts).
 *
 *   WrappedKey of version 1 (79 bytes, kept only to read version-1 vaults):
 *     'ICVK' 01 issuer(4) epoch(2) card(8) nonce(12) sealed(48), under the fleet's common key
 *
 *   BackupHeader (126 bytes): the patent's control information (050) and more
 *     0  'ICVB'          4  version         5  kind (1 full, 2 diff)
 *     6  issuer (4)      10 epoch u16       12 card number (8, BCD)
 *     20 seq u32         24 baseSeq u32 (the point this diff is relative to; 0 = full)
 *     28 date u64 (ms since 1970, supplied by the host)
 *     36 prevHash (32): SHA-256 of the card's previous backup header (zeros if none)
 *     68 memorySize u32  72 pageSize u16    74 recordCount u32 (pages in this backup)
 *     78 pageMapHash (32): SHA-256 of the page map at this point (see pageMapHash)
 *     110 tag (16) = AES-256-GCM-SIV(uniqueKey, headerNonce(seq), empty, AD = bytes 0..109)
 *   The fields are authenticated, not encrypted: the host must index them (fig. 5) and
 *   stores them beside the backup anyway, so hiding them would protect nothing.
 *
 *   Segment (one per BACKUP DATA TRANSFER response; one or more per RESTORE DATA
 *   TRANSFER command): seq u32, kind u8, count u16, then count records.
 *   Record (fig. 8): page u16, sealed page (pageSize + 16)
 *     sealed = AES-256-GCM-SIV(uniqueKey, pageNonce(seq, page), content, AD = pageAD)
 *   The nonce is derived, not sent: (seq, page) never repeats under one card's key
 *   because the card's backup counter is monotonic, and GCM-SIV stays safe even if it
 *   did (it then only reveals that two identical pages are identical).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { ByteReader, concat, u16be, u32be, u64be } from './bytes.ts';
import { CARD_NUMBER_BYTES, decodeCardNumber, encodeCardNumber } from './card-number.ts';
import { fail, ok, type Decoded } from './result.ts';

/** Version 2 (issue 10): headers signed by the card, keys wrapped to the issuer's epoch key. */
export const FORMAT_VERSION = 2;
export const TAG_BYTES = 16;
export const HASH_BYTES = 32;
export const KEY_BYTES = 32;
export const NONCE_BYTES = 12;

export type BackupKind = 'full' | 'diff';
export const KIND_CODE: Record<BackupKind, number> = { full: 1, diff: 2 };
export const kindFromCode = (c: number): BackupKind | undefined => (c === 1 ? 'full' : c === 2 ? 'diff' : undefined);

const MAGIC_KEY = Uint8Array.of(0x49, 0x43, 0x56, 0x4b); // 'ICVK'
const MAGIC_HEADER = Uint8Array.of(0x49, 0x43, 0x56, 0x42); // 'ICVB'
const MAGIC_PAGE = Uint8Array.of(0x49, 0x43, 0x56, 0x50); // 'ICVP'

/** Who made a backup: the parts of the associated data that identify the key. */
export interface KeyContext {
  issuer: number; // u32
  epoch: number; // u16
  cardNumber: string; // 16 digits
}

// ---------------------------------------------------------------- wrapped key

export const WRAPPED_KEY_BYTES = 4 + 1 + 4 + 2 + CARD_NUMBER_BYTES + NONCE_BYTES + KEY_BYTES + TAG_BYTES; // 79

export interface WrappedKey extends KeyContext {
  nonce: Uint8Array;
  sealed: Uint8Array;
}

export function wrappedKeyAD(k: KeyContext): Uint8Array {
  return concat(MAGIC_KEY, Uint8Array.of(FORMAT_VERSION), u32be(k.issuer), u16be(k.epoch), encodeCardNumber(k.cardNumber));
}

export function encodeWrappedKey(w: WrappedKey): Uint8Array {
  if (w.nonce.length !== NONCE_BYTES || w.sealed.length !== KEY_BYTES + TAG_BYTES) throw new RangeError('wrapped key: bad nonce or sealed length');
  return concat(wrappedKeyAD(w), w.nonce, w.sealed);
}

export function decodeWrappedKey(b: Uint8Array): Decoded<WrappedKey> {
  const what = 'wrapped key';
  if (b.length !== WRAPPED_KEY_BYTES) return fail(what, `expected ${WRAPPED_KEY_BYTES} bytes, got ${b.length}`);
  const ctx = decodeContext(b, MAGIC_KEY, what);
  if (!ctx.ok) return ctx;
  const nonce = b.slice(19, 19 + NONCE_BYTES);
  const sealed = b.slice(19 + NONCE_BYTES);
  return ok({ ...ctx.value, nonce, sealed });
}

function decodeContext(b: Uint8Array, magic: Uint8Array, what: string): Decoded<KeyContext> {
  const r = new ByteReader(b);
  const m = r.take(4);
  if (!m || m.some((v, i) => v !== magic[i])) return fail(what, 'bad magic', 0);
  const version = r.u8();
  if (version !== FORMAT_VERSION) return fail(what, `unsupported format version ${version ?? 'none'} (this app reads version ${FORMAT_VERSION})`, 4);
  const issuer = r.u32();
  const epoch = r.u16();
  const cn = r.take(CARD_NUMBER_BYTES);
  if (issuer === undefined || epoch === undefined || !cn) return fail(what, 'truncated', r.offset);
  const card = decodeCardNumber(cn);
  if (!card.ok) return fail(what, card.error.message, 11);
  return ok({ issuer, epoch, cardNumber: card.value });
}

// ---------------------------------------------------------------- header

export const HEADER_BYTES = 126;
export const HEADER_AD_BYTES = HEADER_BYTES - TAG_BYTES;

export interface BackupHeaderFields extends KeyContext {
  kind: BackupKind;
  seq: number;
  baseSeq: number;
  date: number;
  prevHash: Uint8Array;
  memorySize: number;
  pageSize: number;
  recordCount: number;
  pageMapHash: Uint8Array;
}

export interface BackupHeader extends BackupHeaderFields {
  tag: Uint8Array;
}

/** The authenticated part of the header (bytes 0..109): the AD of its tag. */
export function encodeHeaderBody(h: BackupHeaderFields): Uint8Array {
  if (h.prevHash.length !== HASH_BYTES || h.pageMapHash.length !== HASH_BYTES) throw new RangeError('header: hashes must be 32 bytes');
  return concat(
    MAGIC_HEADER,
    Uint8Array.of(FORMAT_VERSION, KIND_CODE[h.kind]),
    u32be(h.issuer),
    u16be(h.epoch),
    encodeCardNumber(h.cardNumber),
    u32be(h.seq),
    u32be(h.baseSeq),
    u64be(h.date),
    h.prevHash,
    u32be(h.memorySize),
    u16be(h.pageSize),
    u32be(h.recordCount),
    h.pageMapHash,
  );
}

export function encodeHeader(h: BackupHeader): Uint8Array {
  if (h.tag.length !== TAG_BYTES) throw new RangeError('header: tag must be 16 bytes');
  return concat(encodeHeaderBody(h), h.tag);
}

export function decodeHeader(b: Uint8Array): Decoded<BackupHeader> {
  const what = 'backup header';
  if (b.length !== HEADER_BYTES) return fail(what, `expected ${HEADER_BYTES} bytes, got ${b.length}`);
  const r = new ByteReader(b);
  const m = r.take(4);
  if (!m || m.some((v, i) => v !== MAGIC_HEADER[i])) return fail(what, 'bad magic', 0);
  const version = r.u8();
  if (version !== FORMAT_VERSION) return fail(what, `unsupported format version ${version ?? 'none'} (this app reads version ${FORMAT_VERSION})`, 4);
  const kind = kindFromCode(r.u8() ?? 0);
  if (!kind) return fail(what, 'unknown backup kind', 5);
  const issuer = r.u32() as number;
  const epoch = r.u16() as number;
  const card = decodeCardNumber(r.take(CARD_NUMBER_BYTES) as Uint8Array);
  if (!card.ok) return fail(what, card.error.message, 12);
  const seq = r.u32() as number;
  const baseSeq = r.u32() as number;
  const date = r.u64() as number;
  const prevHash = (r.take(HASH_BYTES) as Uint8Array).slice();
  const memorySize = r.u32() as number;
  const pageSize = r.u16() as number;
  const recordCount = r.u32() as number;
  const pageMapHash = (r.take(HASH_BYTES) as Uint8Array).slice();
  const tag = (r.take(TAG_BYTES) as Uint8Array).slice();
  // Issue 10: a date past 2^53 ms cannot be a JavaScript number exactly; refused here
  // (the card answered 6F00 when it re-encoded it).
  if (!Number.isSafeInteger(date)) return fail(what, 'date beyond 2^53 ms', 28);
  if (seq === 0) return fail(what, 'sequence number 0 is not used', 20);
  if (kind === 'full' && baseSeq !== 0) return fail(what, 'a full backup has no base', 24);
  if (kind === 'diff' && (baseSeq === 0 || baseSeq >= seq)) return fail(what, `diff base ${baseSeq} must be before ${seq}`, 24);
  if (pageSize === 0 || memorySize % pageSize !== 0) return fail(what, `memory size ${memorySize} is not a whole number of ${pageSize}-byte pages`, 68);
  if (recordCount > memorySize / pageSize) return fail(what, `record count ${recordCount} exceeds the page count`, 74);
  if (kind === 'full' && recordCount !== memorySize / pageSize) return fail(what, 'a full backup must hold every page', 74);
  return ok({ issuer, epoch, cardNumber: card.value, kind, seq, baseSeq, date, prevHash, memorySize, pageSize, recordCount, pageMapHash, tag });
}

/** Chain link: SHA-256 over the whole 126-byte header, tag included. */
export const headerHash = (headerBytes: Uint8Array): Uint8Array => sha256(headerBytes);

export const ZERO_HASH = new Uint8Array(HASH_BYTES);

// ---------------------------------------------------------------- nonces and AD

const HEADER_INDEX = 0xffffffff;

export function pageNonce(seq: number, page: number): Uint8Array {
  return concat(u32be(seq), u32be(page), new Uint8Array(4));
}

export const headerNonce = (seq: number): Uint8Array => pageNonce(seq, HEADER_INDEX);

/** Associated data of one sealed page: binds version, issuer, epoch, card, seq, kind, position. */
export function pageAD(k: KeyContext, seq: number, kind: BackupKind, page: number, pageSize: number): Uint8Array {
  return concat(
    MAGIC_PAGE,
    Uint8Array.of(FORMAT_VERSION, KIND_CODE[kind]),
    u32be(k.issuer),
    u16be(k.epoch),
    encodeCardNumber(k.cardNumber),
    u32be(seq),
    u32be(page),
    u16be(pageSize),
  );
}

/**
 * The page map of a point in time: for every page, the sequence number of the backup
 * that holds its newest copy. Its hash in the header lets the card check that a
 * compacted restore sends exactly that point's pages (DESIGN.md "compacted restore").
 */
export function pageMapHash(seqOfPage: ArrayLike<number>): Uint8Array {
  const bytes = new Uint8Array(seqOfPage.length * 4);
  const dv = new DataView(bytes.buffer);
  for (let i = 0; i < seqOfPage.length; i++) dv.setUint32(i * 4, seqOfPage[i] as number);
  return sha256(bytes);
}

// ---------------------------------------------------------------- segments and records

export interface SealedRecord {
  page: number;
  sealed: Uint8Array;
}

export interface Segment {
  seq: number;
  kind: BackupKind;
  records: SealedRecord[];
}

export const SEGMENT_HEADER_BYTES = 7;
export const recordBytes = (pageSize: number) => 2 + pageSize + TAG_BYTES;

/** How many records fit in a data field of `room` bytes as one segment. */
export const recordsThatFit = (room: number, pageSize: number) =>
  Math.max(0, Math.floor((room - SEGMENT_HEADER_BYTES) / recordBytes(pageSize)));

export function encodeSegment(s: Segment): Uint8Array {
  const parts: Uint8Array[] = [u32be(s.seq), Uint8Array.of(KIND_CODE[s.kind]), u16be(s.records.length)];
  for (const r of s.records) parts.push(u16be(r.page), r.sealed);
  return concat(...parts);
}

/** Decode one or more back-to-back segments; every sealed page must be pageSize + 16 bytes. */
export function decodeSegments(b: Uint8Array, pageSize: number): Decoded<Segment[]> {
  const what = 'backup data segment';
  const r = new ByteReader(b);
  const out: Segment[] = [];
  const sealedLen = pageSize + TAG_BYTES;
  while (r.remaining > 0) {
    const start = r.offset;
    const seq = r.u32();
    const kindCode = r.u8();
    const count = r.u16();
    if (seq === undefined || kindCode === undefined || count === undefined) return fail(what, 'truncated segment header', start);
    const kind = kindFromCode(kindCode);
    if (!kind) return fail(what, `unknown backup kind ${kindCode}`, start + 4);
    if (count === 0) return fail(what, 'empty segment', start + 5);
    const records: SealedRecord[] = [];
    for (let i = 0; i < count; i++) {
      const at = r.offset;
      const page = r.u16();
      const sealed = r.take(sealedLen);
      if (page === undefined || !sealed) return fail(what, `record ${i} of ${count} truncated`, at);
      records.push({ page, sealed: sealed.slice() });
    }
    out.push({ seq, kind, records });
  }
  if (out.length === 0) return fail(what, 'no segment');
  return ok(out);
}
