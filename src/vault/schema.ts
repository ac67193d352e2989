/**
 * The vault's IndexedDB schema (idb typed), version 4 (docs/vault-format.md). Stores:
 *   cards      cardNumber -> what the vault knows of the card and its chain head
 *   backups    [cardNumber, seq] -> the patent's stored info (fig. 5) and the raw header
 *   packs      [cardNumber, seq] -> the sealed records that backup carried, as ONE value
 *   packHashes [cardNumber, seq] -> the SHA-256 of a pack a commit stored (schema 4): written
 *              in the commit's transaction once hashed, while the engine stores the pack
 *   manifests  [cardNumber, seq] -> page -> seq of the pack holding its newest copy, for
 *              EVERY page of that point
 *   uses       [cardNumber, seq] -> the seqs of the packs that point's manifest names
 *              (no index since schema 3: delete reads them by key range)
 *   tombstones [cardNumber, seq] -> header of a deleted backup, so the chain stays checkable
 *   checks     [cardNumber, seq] -> when verify last read and hashed that pack, and its verdict
 *   meta       string -> small values (format notes)
 * Schema changes only ever add a numbered migration at the end of MIGRATIONS.
 */
import type { DBSchema, IDBPDatabase, IDBPTransaction, StoreNames } from 'idb';
import type { BackupKind } from '../protocol/backup-format.ts';
import { migrateToPacks } from './migrate-v2.ts';
import { migrateUsesToSeqs } from './migrate-v3.ts';

export interface CardRow {
  cardNumber: string;
  issuer: number;
  epoch: number;
  label: string;
  memorySize: number;
  pageSize: number;
  /** Newest sequence number stored (confirmed, unconfirmed or deleted by retention); 0 if none. */
  headSeq: number;
  /** Header hash of the newest backup held (hex), '' if none. */
  headHash: string;
  /** Newest backup the card acknowledged (BACKUP COMPLETE); 0 if none. */
  confirmedSeq: number;
  createdAt: number;
  /** The card's certificate (protocol version 2) as the host handed it; absent for cards that do not sign headers. */
  certificate?: Uint8Array;
}

export interface BackupRow {
  cardNumber: string; // 060
  seq: number; // 061
  date: number; // 062, ms since 1970, from the header
  kind: BackupKind; // 063
  baseSeq: number;
  epoch: number;
  /** Bytes that travelled: wrapped key + header (+ its signature, version 2) + sealed records. */
  bytes: number;
  pagesCarried: number;
  /**
   * Pages this backup carried, ascending (every page for a full). A Uint32Array in rows
   * stored since schema 4 (a full's row lists every page: a number each cost 0.3 ms of a
   * 1 MiB card's commit, measured); rows stored before keep a number[]. The read API
   * (read.ts) hands out a number[] either way.
   */
  pagesChanged: Uint32Array | number[];
  header: Uint8Array; // 126 bytes
  wrappedKey: Uint8Array; // 79 bytes (protocol version 1) or 99 (version 2)
  /** The card's signature over the header (protocol version 2), absent for unsigned headers. */
  headerSignature?: Uint8Array;
  /** SHA-256 hex of headerSignature as commit or import verified it: verify checks the bytes against it (signed-chain.ts). */
  signatureHash?: string;
  headerHash: string;
  prevHash: string;
  confirmed: boolean;
  storedAt: number;
}

/** The page map of one point in time, as parallel arrays indexed by page. */
export interface ManifestRow {
  cardNumber: string;
  seq: number;
  /** Sequence number of the backup (pack) holding each page's newest copy. */
  seqs: Uint32Array;
  /** Kind code (1 full, 2 diff) of that backup: the page's AD needs it even after the backup is deleted. */
  kinds: Uint8Array;
}

/**
 * The packs one point's manifest names (schema 3: no index; delete reads the card's rows
 * from the candidate pack on). Kept apart from the manifest so that delete does not read
 * whole manifests, and reading manifests (verify, plans) does not read these.
 */
export interface UsesRow {
  cardNumber: string;
  seq: number;
  /** Seq of every distinct pack the manifest's `seqs` names, ascending (all <= seq). */
  packs: Uint32Array;
}

/** The sealed records one backup carried, stored as one value and hashed once. */
export interface PackRow {
  cardNumber: string;
  seq: number;
  /** Pages carried, ascending; record i is sealed[i * recordBytes, (i + 1) * recordBytes). */
  pages: Uint32Array;
  /** Length of each sealed record (page size + AEAD tag). */
  recordBytes: number;
  sealed: Uint8Array;
  /**
   * SHA-256 hex of `sealed`, inside the pack: packs stored before schema 4, and packs an
   * import stores (the file carries their hash). A pack a commit stores has none here: its
   * hash is its `packHashes` row (pack-hash.ts says which one counts).
   */
  hash?: string;
}

/** The SHA-256 of one pack a commit stored (schema 4), kept apart so the hash runs while the engine stores the pack. */
export interface PackHashRow {
  cardNumber: string;
  seq: number;
  hash: string;
}

/** What verify found when it last read one pack. */
export interface CheckRow {
  cardNumber: string;
  seq: number;
  checkedAt: number;
  ok: boolean;
}

export interface TombstoneRow {
  cardNumber: string;
  seq: number;
  header: Uint8Array;
  /** The deleted backup's wrapped key: the card's signature (version 2) covers it with the header. */
  wrappedKey?: Uint8Array;
  headerSignature?: Uint8Array;
  signatureHash?: string;
  headerHash: string;
  prevHash: string;
  deletedAt: number;
  reason: string;
}

export interface VaultSchema extends DBSchema {
  cards: { key: string; value: CardRow };
  backups: { key: [string, number]; value: BackupRow; indexes: { byHash: string } };
  manifests: { key: [string, number]; value: ManifestRow };
  uses: { key: [string, number]; value: UsesRow };
  packs: { key: [string, number]; value: PackRow };
  packHashes: { key: [string, number]; value: PackHashRow };
  checks: { key: [string, number]; value: CheckRow };
  tombstones: { key: [string, number]; value: TombstoneRow; indexes: { byHash: string } };
  meta: { key: string; value: unknown };
}

export type VaultDB = IDBPDatabase<VaultSchema>;
export type Store = StoreNames<VaultSchema>;
export type UpgradeTx = IDBPTransaction<VaultSchema, Store[], 'versionchange'>;

/**
 * Numbered migrations: index i takes the database from version i to i + 1. One that
 * returns a promise (it converts rows asynchronously) finishes before the next starts.
 */
const MIGRATIONS: ((db: VaultDB, tx: UpgradeTx) => void | Promise<void>)[] = [
  // 1: the first schema
  (db) => {
    db.createObjectStore('cards', { keyPath: 'cardNumber' });
    db.createObjectStore('backups', { keyPath: ['cardNumber', 'seq'] }).createIndex('byHash', 'headerHash', { unique: false });
    db.createObjectStore('manifests', { keyPath: ['cardNumber', 'seq'] });
    db.createObjectStore('blobs' as never, { keyPath: 'hash' }); // schema 1's per-page store, gone in 2
    db.createObjectStore('tombstones', { keyPath: ['cardNumber', 'seq'] }).createIndex('byHash', 'headerHash', { unique: false });
    db.createObjectStore('meta');
  },
  // 2: one pack per backup instead of one blob per sealed page (migrate-v2.ts)
  (db, tx) => migrateToPacks(db, tx),
  // 3: uses rows as seq lists, without the byPack index (migrate-v3.ts)
  (_db, tx) => migrateUsesToSeqs(tx),
  // 4: a committed pack's hash in its own store, written once the hash is in (commit.ts);
  // packs already stored keep theirs inside them, so nothing is converted
  (db) => void db.createObjectStore('packHashes', { keyPath: ['cardNumber', 'seq'] }),
];

export const DB_VERSION = MIGRATIONS.length;

/**
 * Runs inside the versionchange transaction: every step commits together or not at all,
 * so a tab closed half way leaves the old version intact and the next open starts over.
 */
export function upgrade(db: VaultDB, oldVersion: number, tx: UpgradeTx): void {
  let pending: Promise<void> | undefined;
  for (let v = oldVersion; v < MIGRATIONS.length; v++) {
    const run = MIGRATIONS[v] as (typeof MIGRATIONS)[number];
    // Chained in a promise continuation of the previous one's last request: the
    // transaction is still active there (no task boundary in between).
    pending = pending ? pending.then(() => run(db, tx)) : (run(db, tx) ?? undefined);
  }
  pending?.catch(() => {
    try {
      tx.abort();
    } catch {
      // already finished: the open request reports the failure
    }
  });
}

/** Key range of every row of one card in a [cardNumber, seq] store, optionally below a seq. */
export const cardRange = (card: string, below = 0x1_0000_0000): IDBKeyRange => IDBKeyRange.bound([card, 0], [card, below], false, true);
