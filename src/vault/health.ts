/**
 * Storage health for the holder: how much of the browser's quota is used, whether the
 * storage is persistent (kept when space runs short) and what that means for the next
 * backup. "Nearly full" is judged against what the next backups need, not a bare
 * percentage: a full backup of the largest card held must fit twice over (the next
 * backup and the one after), else the holder is told to clean up before it fails.
 */
import { TAG_BYTES } from '../protocol/backup-format.ts';
import type { VaultDB } from './schema.ts';

export interface StorageLike {
  estimate?(): Promise<{ usage?: number; quota?: number }>;
  persisted?(): Promise<boolean>;
}

/** ok: room for two full backups; nearly-full: for one; full: not even one; unknown: the browser will not say. */
export type StorageLevel = 'ok' | 'nearly-full' | 'full' | 'unknown';

export interface StorageHealth {
  /** Bytes this origin uses (the browser's estimate), null when it will not say. */
  usedBytes: number | null;
  quotaBytes: number | null;
  /** Whether the browser keeps this storage when space runs short; null when it will not say. */
  persisted: boolean | null;
  /** A full backup of the largest card in the vault, as stored (records, header, key, manifest). */
  fullBackupBytes: number;
  level: StorageLevel;
}

/** Per page a manifest holds a 4-byte seq and a 1-byte kind; header, key and rows round to 1 KiB. */
export const fullBackupBytes = (memorySize: number, pageSize: number): number => (memorySize / pageSize) * (pageSize + TAG_BYTES + 5) + 1024;

export function storageLevel(used: number | null, quota: number | null, full: number): StorageLevel {
  if (used === null || quota === null) return 'unknown';
  const free = quota - used;
  if (free < full) return 'full';
  if (free < 2 * full) return 'nearly-full';
  return 'ok';
}

export async function storageHealth(db: VaultDB, storage?: StorageLike): Promise<StorageHealth> {
  const s = storage ?? (globalThis as { navigator?: { storage?: StorageLike } }).navigator?.storage;
  const cards = await db.getAll('cards');
  const full = Math.max(0, ...cards.map((c) => fullBackupBytes(c.memorySize, c.pageSize)));
  let usedBytes: number | null = null;
  let quotaBytes: number | null = null;
  let persisted: boolean | null;
  try {
    const e = await s?.estimate?.();
    usedBytes = e?.usage ?? null;
    quotaBytes = e?.quota ?? null;
  } catch {
    // Some browsers refuse estimates in private windows: say "unknown", not an error.
  }
  try {
    persisted = s?.persisted ? await s.persisted() : null;
  } catch {
    persisted = null;
  }
  return { usedBytes, quotaBytes, persisted, fullBackupBytes: full, level: storageLevel(usedBytes, quotaBytes, full) };
}
