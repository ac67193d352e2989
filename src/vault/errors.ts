/**
 * The vault's one error type. Every refusal names what was wrong, with a literal code
 * the host and UI can switch on; the underlying IndexedDB error rides along as `cause`.
 */
export type VaultErrorCode =
  | 'BAD_INPUT' // a backup handed to commitBackup is malformed
  | 'CARD_MISMATCH' // issuer, memory or page size differ from the card the vault knows
  | 'SEQ_NOT_NEWER' // the vault already holds this or a newer sequence number
  | 'MISSING_BASE' // a diff (or a replay) needs a backup the vault does not hold
  | 'PAGE_MAP_MISMATCH' // the stored pages do not add up to the header's page map
  | 'BAD_SIGNATURE' // the header's card signature does not verify under the card's certificate
  | 'NOT_FOUND'
  | 'CONFIRMED' // refusing to discard a backup the card has acknowledged
  | 'CORRUPT' // stored data fails its own hashes
  | 'BAD_FILE' // an export file is damaged or of another version
  | 'CONFLICT' // an import disagrees with what the vault already holds
  | 'QUOTA'
  | 'STORAGE'; // any other IndexedDB failure

export class VaultError extends Error {
  readonly code: VaultErrorCode;
  constructor(code: VaultErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'VaultError';
    this.code = code;
  }
}

const errorName = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'name' in e && typeof e.name === 'string' ? e.name : undefined;

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * Turn whatever a failed transaction threw into a VaultError. Quota failures arrive as
 * a QuotaExceededError either from a request or as the transaction's own error.
 */
export function storageError(e: unknown, what: string, neededBytes: number): VaultError {
  if (e instanceof VaultError) return e;
  const name = errorName(e);
  if (name === 'QuotaExceededError') {
    return new VaultError(
      'QUOTA',
      `${what}: the browser's storage quota is exhausted; this needed about ${formatBytes(neededBytes)} and nothing was written. Free space (delete old backups, or export and remove a card) and try again.`,
      { cause: e },
    );
  }
  return new VaultError('STORAGE', `${what}: storage failed (${name ?? 'error'}: ${e instanceof Error ? e.message : String(e)}); nothing was written`, {
    cause: e,
  });
}
