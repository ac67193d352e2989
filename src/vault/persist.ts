/**
 * Ask the browser to keep the vault's storage when space runs low (otherwise IndexedDB
 * is "best effort" and may be evicted). Returns whether storage is persistent now.
 */
interface StorageLike {
  persisted?(): Promise<boolean>;
  persist?(): Promise<boolean>;
}

export async function requestPersistence(storage?: StorageLike): Promise<boolean> {
  const s = storage ?? (globalThis as { navigator?: { storage?: StorageLike } }).navigator?.storage;
  if (!s?.persist) return false;
  try {
    if (s.persisted && (await s.persisted())) return true;
    return await s.persist();
  } catch {
    // Some browsers reject in private windows: treat as not granted.
    return false;
  }
}
