/** Vault status, the last verify report and the last retention answer. */
import { createStore } from 'zustand/vanilla';
import type { ServiceErrorCode } from '../errors.ts';
import type { StorageHealthData } from '../components/StorageHealth.tsx';
import type { ImportResult, RetentionSettings, RetentionResult, VaultReport, VaultStatus } from '../model.ts';

export type VaultTask = 'verify' | 'retention' | 'export' | 'import';

export interface VaultStore {
  status: VaultStatus | null;
  health: StorageHealthData | null;
  report: VaultReport | null;
  policy: RetentionSettings;
  /** Retention's plan (keep/remove table), waiting for the holder to confirm. */
  retention: RetentionResult | null;
  /** What the last confirmed removal deleted. */
  removed: RetentionResult | null;
  imported: ImportResult | null;
  busy: VaultTask | null;
  error: { task: VaultTask; code: ServiceErrorCode } | null;
}

export const DEFAULT_POLICY: RetentionSettings = { keepLast: 30, keepDailyDays: 90 };

export const createVaultStore = () =>
  createStore<VaultStore>()(() => ({
    status: null,
    health: null,
    report: null,
    policy: DEFAULT_POLICY,
    retention: null,
    removed: null,
    imported: null,
    busy: null,
    error: null,
  }));

/** Damaged backups, one row per sequence number, for the report. */
export function damagedSeqs(report: VaultReport): number[] {
  return [...new Set(report.problems.map((p) => p.seq))].sort((a, b) => b - a);
}
