/**
 * A stand-in for the card's backup side, for vault tests: it makes real-format backup
 * data (wrapped key, header, records) with random sealed bytes and a consistent page
 * map hash and chain. Nothing here decrypts; the vault never needs it to.
 * It keeps, like the card, a monotonic counter and the state of the last completed
 * backup, and keeps a model of every point (page -> sealed copy) to check plans against.
 */
import {
  encodeHeader,
  encodeWrappedKey,
  headerHash,
  NONCE_BYTES,
  KEY_BYTES,
  pageMapHash,
  TAG_BYTES,
  ZERO_HASH,
  type BackupKind,
  type SealedRecord,
} from '../../src/protocol/backup-format.ts';
import { encodeCardCertificate, encodeWrappedKeyV2, signHeader, signingPublicKey } from '../../src/protocol/trust/index.ts';
import type { CommitInput } from '../../src/vault/index.ts';

/** Deterministic bytes (xorshift32), so a failing test fails the same way again. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 1;
  }
  next(): number {
    let x = this.s;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  int(n: number): number {
    return this.next() % n;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.next() & 0xff;
    return out;
  }
  /** `k` distinct pages out of `n`, ascending. */
  pages(n: number, k: number): number[] {
    const s = new Set<number>();
    while (s.size < Math.min(k, n)) s.add(this.int(n));
    return [...s].sort((a, b) => a - b);
  }
}

export interface ModelBackup {
  card: string;
  input: CommitInput;
  seq: number;
  kind: BackupKind;
  records: SealedRecord[];
}

export interface CardModelOptions {
  cardNumber?: string;
  issuer?: number;
  epoch?: number;
  memorySize?: number;
  pageSize?: number;
  seed?: number;
  /** Date of the first backup; each later one is an hour on. */
  startDate?: number;
  /**
   * Protocol version of the backups (default 1): version 2 makes a card certificate and
   * signs every header (wrapped key v2, 99 bytes; header version byte 2), as
   * src/protocol/trust/backup-data.ts lays them out.
   */
  version?: 1 | 2;
}

export class CardModel {
  readonly cardNumber: string;
  readonly issuer: number;
  readonly epoch: number;
  readonly memorySize: number;
  readonly pageSize: number;
  readonly pageCount: number;
  readonly rng: Rng;
  private counter = 0;
  private date: number;
  /** State after the last completed backup: what the next diff is relative to. */
  private completedSeq = 0;
  private completedHash: Uint8Array = ZERO_HASH;
  private completedMap: Uint32Array;
  /** Every point made: seq -> (page -> sealed copy of that point). */
  readonly points = new Map<number, Uint8Array[]>();
  /** Every point's page map: seq -> (page -> seq of its newest copy). */
  readonly maps = new Map<number, Uint32Array>();
  readonly wrappedKey: Uint8Array;
  readonly version: 1 | 2;
  /** Version 2: the card's Ed25519 signing secret and its certificate (the issuer's signature is random: the vault keeps the certificate as handed). */
  readonly signingSecret?: Uint8Array;
  readonly certificate?: Uint8Array;

  constructor(o: CardModelOptions = {}) {
    this.cardNumber = o.cardNumber ?? '1234567890123456';
    this.issuer = o.issuer ?? 7;
    this.epoch = o.epoch ?? 1;
    this.memorySize = o.memorySize ?? 4096;
    this.pageSize = o.pageSize ?? 64;
    this.pageCount = this.memorySize / this.pageSize;
    this.rng = new Rng(o.seed ?? 1);
    this.date = o.startDate ?? Date.UTC(2024, 0, 1, 12);
    this.completedMap = new Uint32Array(this.pageCount);
    const k = { issuer: this.issuer, epoch: this.epoch, cardNumber: this.cardNumber };
    this.version = o.version ?? 1;
    if (this.version === 2) {
      this.wrappedKey = encodeWrappedKeyV2({ ...k, enc: this.rng.bytes(32), sealed: this.rng.bytes(KEY_BYTES + TAG_BYTES) });
      this.signingSecret = this.rng.bytes(32);
      this.certificate = encodeCardCertificate({ ...k, signingPublicKey: signingPublicKey(this.signingSecret), kemPublicKey: this.rng.bytes(32), signature: this.rng.bytes(64) });
    } else {
      this.wrappedKey = encodeWrappedKey({ ...k, nonce: this.rng.bytes(NONCE_BYTES), sealed: this.rng.bytes(KEY_BYTES + TAG_BYTES) });
      this.wrappedKey[4] = 1; // version 1 whatever version the protocol codec now speaks
    }
  }

  get lastCompleted(): number {
    return this.completedSeq;
  }

  /** BACKUP + BACKUP DATA TRANSFER: a full, or a diff of `pages` (random ones if a number). */
  backup(kind: BackupKind, pages: number[] | number = 3, opts: { date?: number } = {}): ModelBackup {
    const seq = ++this.counter;
    const carried = kind === 'full' ? [...Array(this.pageCount).keys()] : typeof pages === 'number' ? this.rng.pages(this.pageCount, pages) : pages;
    const map = kind === 'full' ? new Uint32Array(this.pageCount) : this.completedMap.slice();
    const records = carried.map((page) => ({ page, sealed: this.rng.bytes(this.pageSize + TAG_BYTES) }));
    for (const r of records) map[r.page] = seq;
    const base = kind === 'full' ? undefined : this.points.get(this.completedSeq);
    if (kind === 'diff' && !base) throw new Error('model: a diff needs a completed backup');
    const point = base ? base.slice() : new Array<Uint8Array>(this.pageCount);
    for (const r of records) point[r.page] = r.sealed;
    this.points.set(seq, point);
    this.maps.set(seq, map);
    this.date = opts.date ?? this.date + 3_600_000;
    const header = encodeHeader({
      issuer: this.issuer,
      epoch: this.epoch,
      cardNumber: this.cardNumber,
      kind,
      seq,
      baseSeq: kind === 'full' ? 0 : this.completedSeq,
      date: this.date,
      prevHash: this.completedHash,
      memorySize: this.memorySize,
      pageSize: this.pageSize,
      recordCount: records.length,
      pageMapHash: pageMapHash(map),
      tag: this.rng.bytes(TAG_BYTES),
    });
    header[4] = this.version; // the header's version byte: the layout is the same in both
    this.pending.set(seq, { header, map });
    const signed = this.signingSecret && this.certificate ? { headerSignature: signHeader(this.signingSecret, this.wrappedKey, header), cardCertificate: this.certificate } : {};
    return { card: this.cardNumber, input: { wrappedKey: this.wrappedKey, header, records, ...signed }, seq, kind, records };
  }

  private readonly pending = new Map<number, { header: Uint8Array; map: Uint32Array }>();

  /** BACKUP COMPLETE: the next diff is relative to this one. */
  complete(seq: number): void {
    const p = this.pending.get(seq);
    if (!p) throw new Error(`model: no pending backup ${seq}`);
    this.pending.delete(seq);
    this.completedSeq = seq;
    this.completedHash = headerHash(p.header);
    this.completedMap = p.map;
  }

  /** backup + complete in one go, for building chains. */
  next(kind: BackupKind, pages: number[] | number = 3, opts: { date?: number } = {}): ModelBackup {
    const b = this.backup(kind, pages, opts);
    this.complete(b.seq);
    return b;
  }
}
