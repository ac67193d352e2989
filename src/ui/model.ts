/**
 * Plain data the UI shows. These types belong to the UI: the services in src/ui/services maps
 * what the host, vault and reader layers return onto them, so the views never depend
 * on those layers' types (which are still moving).
 */

/** The five applications of the patent's fig. 21 demo card. */
export type AppKind = 'emoney' | 'credit' | 'id' | 'medical' | 'membership';
export const APP_KINDS: readonly AppKind[] = ['emoney', 'credit', 'id', 'medical', 'membership'];

/** Who owns a page of card memory (the system area 080 or an application's area in 081). */
export type PageOwner = 'system' | 'free' | AppKind;

export interface ReaderInfo {
  /** "Demo reader", the USB product name, or the PC/SC reader name the bridge gives. */
  name: string;
  kind: 'demo' | 'usb' | 'bridge';
}

/** One data item of an application ("holder", "blood type"). `id` picks the translated label. */
export interface AppField {
  id: string;
  value: string;
}

/** A value an application holds: yen for e-money, points for membership. */
export interface AppValue {
  amount: number;
  unit: 'yen' | 'points';
}

export interface AppInfo {
  kind: AppKind;
  /** AID, hex. */
  aid: string;
  /** The name the card gives it; the UI shows a translated name by `kind`. */
  name: string;
  holdsValue: boolean;
  value: AppValue | null;
  fields: readonly AppField[];
  /** The card-AP link flag (fig. 11, 086): restored and not yet re-initialised. */
  restoredFlag: boolean;
}

export interface MemoryMap {
  pageSize: number;
  pageCount: number;
  /** Owner of each page, `pageCount` long. */
  owners: readonly PageOwner[];
  /** How many pages changed since the last backup or restore (the changed-memory table, fig. 4; GET DATA 0104). */
  changedCount: number;
  /**
   * Which pages, when known. A card reports only the count; the demo's simulated card
   * lets the UI see the list as a visual aid. May be empty while changedCount > 0.
   */
  changedPages: readonly number[];
}

export interface PinStatus {
  triesLeft: number;
  maxTries: number;
  blocked: boolean;
}

export interface CardInfo {
  /** 16 decimal digits. */
  cardNumber: string;
  issuer: string;
  apps: readonly AppInfo[];
  memory: MemoryMap;
  pin: PinStatus;
  /** Sequence number of the card's newest completed backup, or null if none. */
  lastBackupSeq: number | null;
}

export type PinResult = { ok: true } | { ok: false; triesLeft: number; blocked: boolean };

export type BackupChoice = 'auto' | 'full' | 'diff';
export type BackupKind = 'full' | 'diff';

/** Progress of a backup or restore, reported often (every APDU round or so). */
export interface TransferProgress {
  pages: number;
  totalPages: number;
  bytes: number;
  apdus: number;
  /** Bytes per second, smoothed. */
  rate: number;
  /** null while unknown. */
  secondsLeft: number | null;
}

export interface BackupResult {
  seq: number;
  kind: BackupKind;
  pages: number;
  bytes: number;
}

/** Chain status of one stored backup. */
export type ChainStatus = 'ok' | 'unconfirmed' | 'broken' | 'damaged';

export interface TimelineEntry {
  seq: number;
  cardNumber: string;
  /** ms since 1970. */
  date: number;
  kind: BackupKind;
  bytes: number;
  pagesChanged: number;
  chain: ChainStatus;
}

export type RestoreTarget = 'this' | 'other';
/** compacted: newest copy of each page once; replay: the patent's full + every diff in order. */
export type RestoreMode = 'compacted' | 'replay';

export interface RestoredApp {
  kind: AppKind;
  /** Value applications reset their value after a restore (fig. 20). */
  valueReset: boolean;
  /** The value held in the backup, which was not brought back. */
  valueInBackup: AppValue | null;
}

export interface RestoreResult {
  seq: number;
  target: RestoreTarget;
  pages: number;
  apps: readonly RestoredApp[];
}

export type VaultProblemKind = 'missing-blob' | 'hash-mismatch' | 'chain-broken' | 'record-fails' | 'unconfirmed';

export interface VaultProblem {
  seq: number;
  kind: VaultProblemKind;
  /** Technical detail for support; the UI shows a plain sentence by `kind`. */
  detail: string;
}

export interface VaultReport {
  deep: boolean;
  checked: number;
  problems: readonly VaultProblem[];
}

export interface VaultStatus {
  backups: number;
  bytes: number;
  cards: number;
  /** navigator.storage.persist() granted. */
  persistent: boolean;
}

export interface RetentionPolicy {
  /** Keep this many newest backups at least. */
  keepLast: number;
  /** And keep one backup per day for this many days. */
  keepDailyDays: number;
}

export interface RetentionResult {
  dryRun: boolean;
  removedSeqs: readonly number[];
  kept: number;
  freedBytes: number;
}

export interface ImportResult {
  backups: number;
  cards: number;
}

/** A change to a data record of an application, made through the card's own command. */
export interface RecordEdit {
  app: AppKind;
  field: string;
  value: string;
}

export type CardEvent = { type: 'inserted' } | { type: 'removed' } | { type: 'reader-lost' };
