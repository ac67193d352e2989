/**
 * The vault: the cardholder's backup store. A thin facade over one IndexedDB database;
 * each operation lives in its own module and takes the database handle.
 */
import { wrap } from 'idb';
import { commitBackup, confirmBackup, type CommitInput } from './commit.ts';
import { deleteBackups, discardBackup, type DeleteResult } from './delete.ts';
import { VaultError } from './errors.ts';
import { storageHealth, type StorageHealth, type StorageLike } from './health.ts';
import { cardLockName, defaultLocks, type LockManagerLike } from './lock.ts';
import { getBackup, getCard, latest, listCards, setLabel, timeline, type TimelineEntry, type TimelineOptions } from './read.ts';
import { restorePlan, type RestoreMode, type RestorePlan } from './restore-plan.ts';
import { replaySteps, type ReplayPlan, type ReplayStepData } from './replay-plan.ts';
import { exportVault, type ExportOptions } from './export.ts';
import { importFile, type ImportReport } from './import.ts';
import { applyRetention, type RetentionOptions, type RetentionReport } from './retention.ts';
import type { RetentionPolicy } from './retention-policy.ts';
import { checkCoverage, verify, type CheckCoverage, type VerifyOptions } from './verify.ts';
import type { Finding } from './checks.ts';
import { DB_VERSION, upgrade, type BackupRow, type CardRow, type VaultDB } from './schema.ts';

export interface VaultOptions {
  /** Where the database lives; defaults to the global indexedDB. Tests pass a fresh one. */
  factory?: IDBFactory;
  /** Database name (default 'icvault'). */
  name?: string;
  /** Lock manager; defaults to navigator.locks, else an in-process queue. */
  locks?: LockManagerLike;
  /** Clock for storedAt and tombstones. */
  now?: () => number;
}

export async function openVault(opts: VaultOptions = {}): Promise<Vault> {
  const factory = opts.factory ?? (globalThis as { indexedDB?: IDBFactory }).indexedDB;
  if (!factory) throw new VaultError('STORAGE', 'this browser has no IndexedDB: the vault cannot open');
  // idb's openDB always uses the global factory; this is its body with ours.
  const request = factory.open(opts.name ?? 'icvault', DB_VERSION);
  request.addEventListener('upgradeneeded', (ev) => {
    const tx = wrap(request.transaction as IDBTransaction);
    // A failed upgrade is reported by the open request below; its transaction's own rejection is not news.
    tx.done.catch(() => undefined);
    upgrade(wrap(request.result) as unknown as VaultDB, ev.oldVersion, tx as never);
  });
  const db = (await wrap(request)) as unknown as VaultDB;
  // Another tab upgrading the schema: step aside rather than block it.
  db.addEventListener('versionchange', () => db.close());
  return new Vault(db, opts.locks ?? defaultLocks(), opts.now ?? Date.now);
}

export class Vault {
  constructor(
    readonly db: VaultDB,
    private readonly locks: LockManagerLike,
    private readonly now: () => number,
  ) {}

  close(): void {
    this.db.close();
  }

  /** Hold the card's lock (across tabs) for the whole of `fn`, e.g. a whole backup flow. */
  withCardLock<T>(card: string, fn: () => Promise<T>): Promise<T> {
    return this.locks.request(cardLockName(card), fn);
  }

  commitBackup(input: CommitInput): Promise<BackupRow> {
    return commitBackup(this.db, input, this.now);
  }
  confirmBackup(card: string, seq: number): Promise<void> {
    return confirmBackup(this.db, card, seq);
  }
  discardBackup(card: string, seq: number): Promise<DeleteResult> {
    return discardBackup(this.db, card, seq, this.now);
  }
  /** Delete acknowledged backups on purpose (retention uses this); tombstones keep the chain checkable. */
  deleteBackups(card: string, seqs: readonly number[], reason = 'deleted by the cardholder'): Promise<DeleteResult> {
    return deleteBackups(this.db, card, seqs, { reason, tombstone: true, now: this.now });
  }

  listCards(): Promise<CardRow[]> {
    return listCards(this.db);
  }
  getCard(card: string): Promise<CardRow | undefined> {
    return getCard(this.db, card);
  }
  setLabel(card: string, label: string): Promise<void> {
    return setLabel(this.db, card, label);
  }
  timeline(card: string, opts?: TimelineOptions): Promise<TimelineEntry[]> {
    return timeline(this.db, card, opts);
  }
  getBackup(card: string, seq: number): Promise<BackupRow | undefined> {
    return getBackup(this.db, card, seq);
  }
  latest(card: string, opts?: { includeUnconfirmed?: boolean }): Promise<BackupRow | undefined> {
    return latest(this.db, card, opts);
  }
  restorePlan(card: string, seq: number, mode: RestoreMode): Promise<RestorePlan> {
    return restorePlan(this.db, card, seq, mode);
  }
  /** Steps [from, to) of a replay plan with their header, wrapped key, signature and records (one transaction). */
  replaySteps(plan: ReplayPlan, from: number, to: number): Promise<ReplayStepData[]> {
    return replaySteps(this.db, plan, from, to);
  }
  /** The whole vault, or one card's chain, as one self-validating file (docs/vault-format.md). */
  exportFile(opts: ExportOptions = {}): Promise<Uint8Array> {
    return exportVault(this.db, opts, this.now);
  }
  /** Check a file completely, then merge it in one transaction; refuses damaged files unchanged. */
  importFile(file: Uint8Array): Promise<ImportReport> {
    return importFile(this.db, file);
  }
  /** Apply (or with dryRun, only explain) a retention policy; never removes the newest verified point. */
  retention(policy: RetentionPolicy, opts: RetentionOptions = {}): Promise<RetentionReport[]> {
    return applyRetention(this.db, policy, opts, (card, fn) => this.withCardLock(card, fn), this.now);
  }
  /** Structural verify, whole or partial (maxPacks, budgetMs); [] when all is well. */
  verify(opts?: VerifyOptions): Promise<Finding[]> {
    return verify(this.db, opts ?? {}, this.now, (card, fn) => this.withCardLock(card, fn));
  }
  /** Bytes used against quota, persistence, and whether the next full backup fits (health.ts). */
  storageHealth(storage?: StorageLike): Promise<StorageHealth> {
    return storageHealth(this.db, storage);
  }
  /** What verify has read of a card's packs, and when (the record partial runs build up). */
  checkCoverage(card: string): Promise<CheckCoverage> {
    return checkCoverage(this.db, card);
  }
}
