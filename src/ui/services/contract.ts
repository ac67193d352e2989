/**
 * What the UI needs from the layers below (host flows, vault, reader, demo card).
 * A plain interface over plain data (model.ts): main.tsx wires the real layers into it;
 * the views and stores only ever see this.
 *
 * Errors: a method fails by throwing (or rejecting with) any value that carries a
 * `code` from `ServiceErrorCode`; see errors.ts for how the UI reads it. Anything else
 * is shown as 'unknown'.
 */
import type {
  BackupChoice,
  BackupOutcome,
  CardEvent,
  CardInfo,
  ImportResult,
  IssuerLinkOutcome,
  IssuerSyncState,
  LostReport,
  ConnectedReader,
  RecordEdit,
  RestoreMode,
  RestorePreview,
  RestoreOutcome,
  RestoreTarget,
  RetentionSettings,
  RetentionResult,
  BackupEntry,
  TransferProgress,
  VaultCard,
  VaultReport,
  VaultStatus,
} from '../model.ts';
import type { StorageHealthData } from '../components/StorageHealth.tsx';
import type { SmartCardReaderRow } from './smart-card.ts';
import type { UsbInterfaceRow } from './usb-choice.ts';

export interface TransferOptions {
  signal: AbortSignal;
  onProgress: (p: TransferProgress) => void;
}

export interface BackupCall extends TransferOptions {
  kind: BackupChoice;
  /** The PIN the cardholder entered: the operation sends it to the card once, first. */
  pin: string;
  /** A name for the backup (optional). */
  name?: string;
}

export interface RestoreCall extends TransferOptions {
  /** The card whose backup is restored. */
  sourceCard: string;
  seq: number;
  target: RestoreTarget;
  mode: RestoreMode;
  pin: string;
}

/** Demo mode only: acts through the simulated card's own commands. */
export interface DemoControls {
  spend(amount: number): Promise<void>;
  load(amount: number): Promise<void>;
  addPoints(points: number): Promise<void>;
  editRecord(edit: RecordEdit): Promise<void>;
  /**
   * A new card in the reader in place of the old. Personalised by the demo issuer, or, with
   * `fromIssuer`, by the issuer's service for the lost card it approved a replacement of
   * (the holder's recovery code): its number and its value then come from the service.
   */
  issueReplacementCard(fromIssuer?: { lostCard: string; recoveryCode: string }): Promise<void>;
  /** The current card is gone (taken out of the reader, never to come back). */
  loseCard(): Promise<void>;
  /** Forget the demo card and vault; start again with a fresh sample card. */
  resetDemo(): Promise<void>;
}

export interface Services {
  /** Simulated USB reader holding the demo card. */
  connectDemo(): Promise<ConnectedReader>;
  /**
   * The CCID driver on a USB reader: the device pickUsbReader kept, at `interfaceNumber`
   * (default: the first usable), or else the WebUSB chooser first.
   */
  connectReader(interfaceNumber?: number): Promise<ConnectedReader>;
  /** The WebUSB chooser; keeps the device chosen for connectReader and lists its CCID interfaces (usb-choice.ts). */
  pickUsbReader?(): Promise<UsbInterfaceRow[]>;
  /** The local PC/SC bridge (`npm run bridge`), paired with the 6 digits it printed, or '' : with the pairing token kept from an earlier pairing (bridge-connect.ts). Absent: not offered. */
  connectBridge?(pairingCode: string): Promise<ConnectedReader>;
  /** The computer's readers through the Web Smart Card API (navigator.smartCard). Absent: not offered. */
  smartCardReaders?(): Promise<SmartCardReaderRow[]>;
  /** Those readers as PC/SC's status changes, each time one changes, until `signal` aborts. */
  followSmartCardReaders?(onRows: (rows: SmartCardReaderRow[]) => void, signal: AbortSignal): Promise<void>;
  /** Connect exclusive to a reader of the Web Smart Card API (default: the first with a card). Fails with a SmartCardServiceError (its `reason`) when PC/SC says no. */
  connectSmartCard?(reader?: string): Promise<ConnectedReader>;
  disconnect(): Promise<void>;
  /** Whether a card is in the connected reader. */
  cardPresent(): Promise<boolean>;
  /** Card inserted/removed, reader unplugged. Returns the unsubscribe function. */
  onCardEvent(listener: (e: CardEvent) => void): () => void;

  readCard(): Promise<CardInfo>;

  /**
   * Backup and restore send the PIN once, as their first step. A wrong PIN fails with
   * code 'pin-wrong' and `triesLeft`; a blocked one with 'pin-blocked'.
   */
  backup(options: BackupCall): Promise<BackupOutcome>;
  /** What a restore of (sourceCard, seq) would change on the card in the reader; asks no PIN. */
  previewRestore(sourceCard: string, seq: number): Promise<RestorePreview>;
  restore(options: RestoreCall): Promise<RestoreOutcome>;

  /** Every card the vault holds backups of, and which of them the timeline shows first. */
  vaultCards(): Promise<VaultCard[]>;
  /** The card whose backups fit the card in the reader: itself, or the card it replaces. */
  defaultTimelineCard(): Promise<string | null>;
  /** Backups of `card`, newest first. */
  timelineCount(card: string): Promise<number>;
  timeline(card: string, offset: number, limit: number): Promise<BackupEntry[]>;
  nameBackup(card: string, seq: number, name: string): Promise<void>;

  vaultStatus(): Promise<VaultStatus>;
  /** Space used against the browser's quota, persistence, and whether a full backup still fits (src/vault/health.ts). */
  storageHealth(): Promise<StorageHealthData>;
  /** Ask the browser to keep this storage when space runs short (navigator.storage.persist). */
  keepStorage(): Promise<boolean>;
  /** Structural always; with a PIN also deep: the card opens every record of its own backups. */
  verifyVault(deepPin: string | null): Promise<VaultReport>;
  /** Retention's keep/remove table for every card; nothing is deleted. */
  retentionPlan(policy: RetentionSettings): Promise<RetentionResult>;
  /** Delete exactly these backups (the ones a plan listed). */
  removeBackups(backups: readonly { cardNumber: string; seq: number }[]): Promise<RetentionResult>;
  exportVault(): Promise<Blob>;
  importVault(file: Blob): Promise<ImportResult>;

  /** Present only while connected to the demo reader. */
  demo(): DemoControls | null;

  /**
   * The card issuer's service (docs/issuer.md), when the build names one. The card in the
   * reader proves itself: registered at first (the recovery code comes back once), an
   * empty vault fills from the issuer's copy, backups not uploaded yet go up. null: no issuer.
   */
  issuerLink?(): Promise<IssuerLinkOutcome | null>;
  /** The off-device copy's state: uploading, issuer unreachable (backups wait here), refused. */
  onIssuerState?(listener: (s: IssuerSyncState) => void): () => void;
  /** The holder reports a card lost with its recovery code: stop-listed at once. */
  reportLost?(cardNumber: string, recoveryCode: string): Promise<LostReport>;
}
