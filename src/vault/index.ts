/** Public surface of the vault. */
export { openVault, Vault, type VaultOptions } from './vault.ts';
export { VaultError, type VaultErrorCode } from './errors.ts';
export type { CommitInput } from './commit.ts';
export type { DeleteResult } from './delete.ts';
export type { ChainStatus, TimelineEntry, TimelineOptions } from './read.ts';
export type { CompactedPlan, ReplayPlan, ReplayStep, ReplayStepData, RestoreMode, RestorePlan } from './restore-plan.ts';
export type { BackupRow, CardRow } from './schema.ts';
export { decodeStoredHeader, headerVersion, V1_NOTE, type ProtocolVersion } from './versions.ts';
export { inProcessLocks, type LockManagerLike } from './lock.ts';
export { requestPersistence } from './persist.ts';
export type { Finding, FindingCode } from './checks.ts';
export type { CheckCoverage, VerifyOptions } from './verify.ts';
export type { ExportOptions } from './export.ts';
export type { ImportReport } from './import.ts';
export { EXPORT_MAGIC, EXPORT_VERSION } from './export-format.ts';
export type { RetentionOptions, RetentionReport } from './retention.ts';
export { decideRetention, isoWeek, type RetentionDecision, type RetentionPolicy } from './retention-policy.ts';
export { fullBackupBytes, storageLevel, type StorageHealth, type StorageLevel, type StorageLike } from './health.ts';
