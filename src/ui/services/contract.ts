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
  BackupResult,
  CardEvent,
  CardInfo,
  ImportResult,
  PinResult,
  ReaderInfo,
  RecordEdit,
  RestoreMode,
  RestoreResult,
  RestoreTarget,
  RetentionPolicy,
  RetentionResult,
  TimelineEntry,
  TransferProgress,
  VaultReport,
  VaultStatus,
} from '../model.ts';

export interface TransferOptions {
  signal: AbortSignal;
  onProgress: (p: TransferProgress) => void;
}

export interface BackupOptions extends TransferOptions {
  kind: BackupChoice;
  /** The PIN the cardholder entered (already checked by verifyPin); the card checks it again. */
  pin: string;
}

export interface RestoreOptions extends TransferOptions {
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
  /** The issuer makes a new, empty card and puts it in the reader. */
  issueReplacementCard(): Promise<void>;
  /** The current card is gone (taken out of the reader, never to come back). */
  loseCard(): Promise<void>;
  /** Forget the demo card and vault; start again with a fresh sample card. */
  resetDemo(): Promise<void>;
}

export interface Services {
  /** Simulated USB reader holding the demo card. */
  connectDemo(): Promise<ReaderInfo>;
  /** WebUSB chooser; then the CCID driver. */
  connectReader(): Promise<ReaderInfo>;
  /** The local PC/SC bridge (`npm run bridge`), paired with the 6 digits it printed. Absent: not offered. */
  connectBridge?(pairingCode: string): Promise<ReaderInfo>;
  disconnect(): Promise<void>;
  /** Whether a card is in the connected reader. */
  cardPresent(): Promise<boolean>;
  /** Card inserted/removed, reader unplugged. Returns the unsubscribe function. */
  onCardEvent(listener: (e: CardEvent) => void): () => void;

  readCard(): Promise<CardInfo>;
  verifyPin(pin: string): Promise<PinResult>;

  backup(options: BackupOptions): Promise<BackupResult>;
  restore(options: RestoreOptions): Promise<RestoreResult>;

  /** Backups of the card in the reader (or of the card being replaced), newest first. */
  timelineCount(): Promise<number>;
  timeline(offset: number, limit: number): Promise<TimelineEntry[]>;

  vaultStatus(): Promise<VaultStatus>;
  /** Structural always; `deep` opens every record and needs the card. */
  verifyVault(deep: boolean): Promise<VaultReport>;
  retention(policy: RetentionPolicy, dryRun: boolean): Promise<RetentionResult>;
  exportVault(): Promise<Blob>;
  importVault(file: Blob): Promise<ImportResult>;

  /** Present only while connected to the demo reader. */
  demo(): DemoControls | null;
}
