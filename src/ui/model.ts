/**
 * Plain data the UI shows. These types belong to the UI: the services in src/ui/services maps
 * what the host, vault and reader layers return onto them, so the views never depend
 * on those layers' types (which are still moving).
 */

import type { AppField, AppKind, AppValue } from '../host/app-read.ts';
import type { AppReading, CardReading, PageOwner } from '../host/card-read.ts';
import type { RestoreOptions as HostRestoreOptions } from '../host/restore.ts';
import type { Phase } from '../host/progress.ts';
import type { BackupResult as HostBackupResult } from '../host/backup.ts';

// What the host reads off a card is already plain data (codes and numbers): the UI shows it as is.
export type { AppField, AppKind, AppValue, PageOwner };
export { APP_KINDS } from '../host/app-read.ts';

export interface ConnectedReader {
  /** "Demo reader", the USB product name, or the PC/SC reader name the bridge gives. */
  name: string;
  kind: 'demo' | 'usb' | 'bridge' | 'smartcard';
}

export type AppInfo = AppReading;
export type PinTries = CardReading['pin'];

export interface CardInfo extends Omit<CardReading, 'issuer'> {
  /** The issuer: its number as people read it ('ICV1'), and its name when the app knows it (the demo issuer). */
  issuer: { id: string; name: string | null };
  /** The protocol the reader runs with the card (ISO/IEC 7816-3), where the reader says: the PC/SC bridge does not. */
  protocol: 'T=0' | 'T=1' | null;
}

export type BackupChoice = 'auto' | 'full' | 'diff';
/** 'full' or 'diff', as the host and the backup header say. */
export type BackupKind = HostBackupResult['kind'];

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
  /** Which step the host is at; the UI words it ("keep the card in the reader"). */
  phase: TransferPhase;
}

export type TransferPhase = Phase;

export interface BackupOutcome {
  seq: number;
  kind: BackupKind;
  pages: number;
  bytes: number;
}

/** How sound one stored backup is, as the timeline shows it (the vault's own ChainStatus is first/linked/gap). */
export type BackupHealth = 'ok' | 'unconfirmed' | 'broken' | 'damaged';

export interface BackupEntry {
  seq: number;
  cardNumber: string;
  /** ms since 1970. */
  date: number;
  kind: BackupKind;
  bytes: number;
  pagesChanged: number;
  health: BackupHealth;
  /** The name the cardholder gave it, or null. */
  name: string | null;
  /** Applications whose pages this backup carried (null: not known, e.g. imported). */
  apps: readonly AppKind[] | null;
  /** Where the backup is (absent: this build names no issuer, so only here). */
  place?: CopyPlace;
  /**
   * Made by a card of protocol version 1 (issue 10): kept and exported, never dropped, but
   * no version-2 card can restore it (its key was sealed under a common key no card holds).
   */
  oldProtocol?: true;
}

/** Where one backup is kept: only in this browser, only at the card's issuer, or both (docs/issuer.md). */
export type CopyPlace = 'device' | 'issuer' | 'both';

/** The off-device copy's state: uploads running, the issuer unreachable (backups wait here), or refused. */
export type IssuerSyncState =
  | { kind: 'idle' }
  | { kind: 'uploading'; cardNumber: string }
  | { kind: 'offline'; message: string }
  | { kind: 'refused'; code: string; message: string };

/** The card in the reader proved itself to its issuer. */
export interface IssuerLinkOutcome {
  cardNumber: string;
  /** First registration only: the code that alone reports the card lost. Shown once. */
  recoveryCode: string | null;
  /** Backups fetched from the issuer into this browser's empty vault. */
  filled: number;
  /** The lost card this card replaces (its chain can be restored), or null. */
  replaces: string | null;
}

/** The issuer's answer to a lost-card report: the card is stop-listed from now. */
export interface LostReport {
  cardNumber: string;
  stopNumber: number;
  stoppedAt: number;
}

/** 'same': the backup's own card; 'other': a replacement card of the same issuer (fig. 9). */
export type RestoreTarget = NonNullable<HostRestoreOptions['target']>;
/** compacted: newest copy of each page once; replay: the patent's full + every diff in order. */
export type RestoreMode = NonNullable<HostRestoreOptions['mode']>;

/** One application before a restore: the card now against the chosen point. */
export interface AppPreview {
  kind: AppKind;
  /** Value on the card now (null: the application holds no value). */
  now: AppValue | null;
  /** Value when the backup was made (null: none, or not known). */
  atPoint: AppValue | null;
  /** Value right after the restore: value applications reset to zero (fig. 20). */
  after: AppValue | null;
  /** Records now and at the point (medical), else null. */
  recordsNow: number | null;
  recordsAtPoint: number | null;
  /** Data (other than value) the point has that differs from the card now: true, false, or null when not known. */
  dataDiffers: boolean | null;
  /** The application's pages changed since the point (same card; null onto another card: all of them are written). */
  pagesChanged: number | null;
}

/** Why a restore choice cannot be made; the UI words it. */
export type RestoreBlock = 'not-this-card' | 'same-card' | 'no-card' | 'no-issuer';

export interface RestorePreview {
  sourceCard: string;
  seq: number;
  /** The card in the reader. */
  targetCard: string;
  /** The target that fits: same card or a replacement. */
  target: RestoreTarget;
  blocked: Partial<Record<RestoreTarget, RestoreBlock>>;
  apps: readonly AppPreview[];
  /** Pages the card changed since the point was made (carried by a later backup or changed since the last one); null onto another card. */
  pagesChangedSince: number | null;
  /** Whether the app knows the point's values (recorded when the backup was made in this browser). */
  pointKnown: boolean;
}

export interface RestoredApp {
  kind: AppKind;
  /** Value applications reset their value after a restore (fig. 20). */
  valueReset: boolean;
  /** Value on the card just before the restore (gone now). */
  before: AppValue | null;
  /** The value restored from the backup and discarded by the reset. */
  discarded: AppValue | null;
  /** Value on the card now. */
  after: AppValue | null;
  /** Onto a replacement card: the value the issuer re-issued from its ledger after the restore. */
  reissued: AppValue | null;
}

export interface RestoreOutcome {
  seq: number;
  sourceCard: string;
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

export interface RetentionSettings {
  /** Keep this many newest backups at least. */
  keepLast: number;
  /** And keep one backup per day for this many days. */
  keepDailyDays: number;
}

/** One backup in retention's keep/remove table (like restic forget), with why. */
export interface RetentionRow {
  cardNumber: string;
  seq: number;
  date: number;
  bytes: number;
  action: 'keep' | 'remove';
  reasons: readonly RetentionReason[];
}

/** Why retention keeps or removes a backup; the translations word it. */
export type RetentionReason =
  | { code: 'unconfirmed' }
  | { code: 'newest-verified' }
  | { code: 'last'; n: number; rank: number }
  | { code: 'newest-of'; unit: 'day' | 'week' | 'month'; period: string }
  | { code: 'no-rule' }
  | { code: 'other'; text: string };

export interface RetentionResult {
  dryRun: boolean;
  rows: readonly RetentionRow[];
  removed: number;
  freedBytes: number;
}

/** A card the vault holds backups of. */
export interface VaultCard {
  cardNumber: string;
  backups: number;
  /** Newest backup's date, or null. */
  newest: number | null;
  inReader: boolean;
  /** The card in the reader replaces this one (demo: the lost card). */
  replacedByReader: boolean;
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

export type { CardEvent } from '../reader/session-link.ts';
