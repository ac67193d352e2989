/**
 * Data objects answered by GET DATA (80 CA 01 xx). The card encodes them, the host
 * decodes them: one codec per object, byte layouts in docs/protocol.md.
 */
import { ByteReader, concat, fromHex, hex, u16be, u32be, u64be } from '../bytes.ts';
import { CARD_NUMBER_BYTES, decodeCardNumber, encodeCardNumber } from '../card-number.ts';
import { HASH_BYTES } from '../backup-format.ts';
import { fail, ok, type Decoded } from '../result.ts';

export const DATA_OBJECT = {
  IDENTITY: 0x0101,
  MEMORY_LAYOUT: 0x0102,
  AP_TABLE: 0x0103,
  BACKUP_STATUS: 0x0104,
  LOAD_HISTORY: 0x0105,
  PIN_STATUS: 0x0106,
  CHANGED_PAGES: 0x0107,
  /** The card's public keys: Ed25519 (signs challenges) ‖ X25519 (receives sealed keys), 64 bytes. */
  CARD_KEYS: 0x0108,
  /** Version 2: the card's certificate, as the issuer signed it at personalisation (147 bytes). */
  CARD_CERTIFICATE: 0x0109,
  /** Version 2: the certificate of the epoch the card is on, signed by the root (141 bytes). */
  EPOCH_CERTIFICATE: 0x010a,
  /** Version 2: the restore-authorisation counter, u32: the next authorisation names it + 1. */
  AUTHORISATION_COUNTER: 0x010b,
} as const;

const done = <T>(r: ByteReader, what: string, v: T | undefined): Decoded<T> =>
  v === undefined ? fail(what, 'truncated', r.offset) : r.remaining !== 0 ? fail(what, 'trailing bytes', r.offset) : ok(v);

// ---------------------------------------------------------------- 0101 identity

export interface IdentityInfo {
  initialised: boolean;
  cardNumber: string;
  issuer: number;
  epoch: number;
}

export const encodeIdentityInfo = (i: IdentityInfo) =>
  concat(Uint8Array.of(i.initialised ? 1 : 0), encodeCardNumber(i.cardNumber), u32be(i.issuer), u16be(i.epoch));

export function decodeIdentityInfo(b: Uint8Array): Decoded<IdentityInfo> {
  const r = new ByteReader(b);
  const init = r.u8();
  const cn = r.take(CARD_NUMBER_BYTES);
  const issuer = r.u32();
  const epoch = r.u16();
  if (init === undefined || !cn || issuer === undefined || epoch === undefined) return fail('identity', 'truncated');
  const card = decodeCardNumber(cn);
  if (!card.ok) return card;
  return done(r, 'identity', { initialised: init === 1, cardNumber: card.value, issuer, epoch });
}

// ---------------------------------------------------------------- 0102 memory layout

export interface MemoryLayoutInfo {
  memorySize: number;
  pageSize: number;
  /** System area (patent 080): identity block + AP table, from offset 0. */
  systemAreaSize: number;
  /** Leading bytes a restore never writes: the card's own identity block. */
  identitySize: number;
  /** AP area (081): from systemAreaSize to memorySize. */
  apAreaSize: number;
  extendedLength: boolean;
  maxCommandData: number;
  maxResponseData: number;
  responseBufferSize: number;
}

export const encodeMemoryLayout = (m: MemoryLayoutInfo) =>
  concat(
    u32be(m.memorySize),
    u16be(m.pageSize),
    u32be(m.systemAreaSize),
    u32be(m.identitySize),
    u32be(m.apAreaSize),
    Uint8Array.of(m.extendedLength ? 1 : 0),
    u32be(m.maxCommandData),
    u32be(m.maxResponseData),
    u32be(m.responseBufferSize),
  );

export function decodeMemoryLayout(b: Uint8Array): Decoded<MemoryLayoutInfo> {
  const r = new ByteReader(b);
  const [memorySize, pageSize, systemAreaSize, identitySize, apAreaSize, ext, maxCommandData, maxResponseData, responseBufferSize] = [
    r.u32(), r.u16(), r.u32(), r.u32(), r.u32(), r.u8(), r.u32(), r.u32(), r.u32(),
  ];
  if (responseBufferSize === undefined) return fail('memory layout', 'truncated');
  return done(r, 'memory layout', {
    memorySize: memorySize as number,
    pageSize: pageSize as number,
    systemAreaSize: systemAreaSize as number,
    identitySize: identitySize as number,
    apAreaSize: apAreaSize as number,
    extendedLength: ext === 1,
    maxCommandData: maxCommandData as number,
    maxResponseData: maxResponseData as number,
    responseBufferSize,
  });
}

// ---------------------------------------------------------------- 0103 AP table (fig. 11)

export interface ApTableEntryInfo {
  aid: Uint8Array;
  /** Position (085) in memory, absolute. */
  offset: number;
  size: number;
  holdsValue: boolean;
  /** Restore-executed flag (086). */
  restoreExecuted: boolean;
}

export function encodeApTableInfo(entries: readonly ApTableEntryInfo[]): Uint8Array {
  const parts: Uint8Array[] = [Uint8Array.of(entries.length)];
  for (const e of entries) {
    const flags = (e.restoreExecuted ? 1 : 0) | (e.holdsValue ? 2 : 0);
    parts.push(Uint8Array.of(e.aid.length), e.aid, u32be(e.offset), u32be(e.size), Uint8Array.of(flags));
  }
  return concat(...parts);
}

export function decodeApTableInfo(b: Uint8Array): Decoded<ApTableEntryInfo[]> {
  const r = new ByteReader(b);
  const n = r.u8();
  if (n === undefined) return fail('AP table', 'truncated');
  const out: ApTableEntryInfo[] = [];
  for (let i = 0; i < n; i++) {
    const aid = r.take(r.u8() ?? 0xffff);
    const offset = r.u32();
    const size = r.u32();
    const flags = r.u8();
    if (!aid || offset === undefined || size === undefined || flags === undefined) return fail('AP table', `entry ${i} truncated`, r.offset);
    out.push({ aid: aid.slice(), offset, size, holdsValue: (flags & 2) !== 0, restoreExecuted: (flags & 1) !== 0 });
  }
  return done(r, 'AP table', out);
}

// ---------------------------------------------------------------- 0104 backup status

export interface BackupStatus {
  /** The monotonic backup counter: the seq of the newest backup ever begun. */
  counter: number;
  /** SHA-256 of the newest completed backup header (zeros if none). */
  chainHead: Uint8Array;
  /** seq of the point the card's memory equals (last completed backup or same-card restore); 0 = none. */
  currentPoint: number;
  backupInProgress: boolean;
  restorePending: boolean;
  changedPages: number;
  pageCount: number;
}

export const encodeBackupStatus = (s: BackupStatus) =>
  concat(
    u32be(s.counter),
    s.chainHead,
    u32be(s.currentPoint),
    Uint8Array.of((s.backupInProgress ? 1 : 0) | (s.restorePending ? 2 : 0)),
    u32be(s.changedPages),
    u32be(s.pageCount),
  );

export function decodeBackupStatus(b: Uint8Array): Decoded<BackupStatus> {
  const r = new ByteReader(b);
  const counter = r.u32();
  const chainHead = r.take(HASH_BYTES);
  const currentPoint = r.u32();
  const flags = r.u8();
  const changedPages = r.u32();
  const pageCount = r.u32();
  if (counter === undefined || !chainHead || currentPoint === undefined || flags === undefined || changedPages === undefined || pageCount === undefined)
    return fail('backup status', 'truncated');
  return done(r, 'backup status', {
    counter,
    chainHead: chainHead.slice(),
    currentPoint,
    backupInProgress: (flags & 1) !== 0,
    restorePending: (flags & 2) !== 0,
    changedPages,
    pageCount,
  });
}

// ---------------------------------------------------------------- 0105 load history (claims 18-23)

export interface LoadRecord {
  date: number;
  what: string;
  /** AID hex, empty for the whole card. */
  aid: string;
  amount: number;
}

export interface LoadHistory {
  /** Loads ever recorded (the card keeps only the newest entries). */
  total: number;
  entries: LoadRecord[];
}

export const LOAD_WHAT_MAX = 16;

export function encodeLoadHistory(h: LoadHistory): Uint8Array {
  const parts: Uint8Array[] = [u32be(h.total), Uint8Array.of(h.entries.length)];
  for (const e of h.entries) {
    const what = new TextEncoder().encode(e.what).subarray(0, LOAD_WHAT_MAX);
    const aid = fromHex(e.aid);
    parts.push(u64be(e.date), Uint8Array.of(what.length), what, Uint8Array.of(aid.length), aid, u32be(e.amount));
  }
  return concat(...parts);
}

export function decodeLoadHistory(b: Uint8Array): Decoded<LoadHistory> {
  const r = new ByteReader(b);
  const total = r.u32();
  const n = r.u8();
  if (total === undefined || n === undefined) return fail('load history', 'truncated');
  const entries: LoadRecord[] = [];
  for (let i = 0; i < n; i++) {
    const date = r.u64();
    const what = r.take(r.u8() ?? 0xffff);
    const aid = r.take(r.u8() ?? 0xffff);
    const amount = r.u32();
    if (date === undefined || !what || !aid || amount === undefined) return fail('load history', `entry ${i} truncated`, r.offset);
    entries.push({ date, what: new TextDecoder().decode(what), aid: hex(aid), amount });
  }
  return done(r, 'load history', { total, entries });
}

// ---------------------------------------------------------------- 0106 PIN status

export interface PinStatus {
  triesLeft: number;
  maxTries: number;
  verified: boolean;
}

export const encodePinStatus = (p: PinStatus) => Uint8Array.of(p.triesLeft, p.maxTries, p.verified ? 1 : 0);

export function decodePinStatus(b: Uint8Array): Decoded<PinStatus> {
  if (b.length !== 3) return fail('PIN status', `expected 3 bytes, got ${b.length}`);
  return ok({ triesLeft: b[0] as number, maxTries: b[1] as number, verified: b[2] === 1 });
}

/**
 * The changed-memory table (fig. 4, 022): one bit per page (091), page p at bit p & 7
 * of byte p >> 3, set when the page was written since the last backup or restore.
 * Reading it lets the host show which pages a differential backup will carry.
 */
export function encodeChangedPages(pages: readonly number[], pageCount: number): Uint8Array {
  const out = new Uint8Array(2 + Math.ceil(pageCount / 8));
  out[0] = pageCount >>> 8;
  out[1] = pageCount & 0xff;
  for (const p of pages) {
    if (!Number.isInteger(p) || p < 0 || p >= pageCount) throw new RangeError(`page ${p} outside 0..${pageCount - 1}`);
    out[2 + (p >> 3)] = (out[2 + (p >> 3)] as number) | (1 << (p & 7));
  }
  return out;
}

export function decodeChangedPages(b: Uint8Array): Decoded<number[]> {
  const what = 'changed-page table';
  if (b.length < 2) return fail(what, `expected at least 2 bytes, got ${b.length}`);
  const pageCount = ((b[0] as number) << 8) | (b[1] as number);
  if (b.length !== 2 + Math.ceil(pageCount / 8)) return fail(what, `${pageCount} pages need ${2 + Math.ceil(pageCount / 8)} bytes, got ${b.length}`);
  const pages: number[] = [];
  for (let p = 0; p < pageCount; p++) if (((b[2 + (p >> 3)] as number) >> (p & 7)) & 1) pages.push(p);
  for (let p = pageCount; p < (b.length - 2) * 8; p++) {
    if (((b[2 + (p >> 3)] as number) >> (p & 7)) & 1) return fail(what, `bit set for page ${p} beyond the ${pageCount} pages`, 2 + (p >> 3));
  }
  return ok(pages);
}

/** GET DATA 0108: the card's own public keys (docs/trust.md). */
export interface CardPublicKeys {
  signingPublicKey: Uint8Array;
  kemPublicKey: Uint8Array;
}

export const encodeCardPublicKeys = (k: CardPublicKeys): Uint8Array => {
  if (k.signingPublicKey.length !== 32 || k.kemPublicKey.length !== 32) throw new RangeError('card keys: 32 bytes each');
  return concat(k.signingPublicKey, k.kemPublicKey);
};

export function decodeCardPublicKeys(b: Uint8Array): Decoded<CardPublicKeys> {
  if (b.length !== 64) return fail('card keys', `expected 64 bytes, got ${b.length}`);
  return ok({ signingPublicKey: b.slice(0, 32), kemPublicKey: b.slice(32) });
}
