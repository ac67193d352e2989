/**
 * Backup data, version 2 (patent fig. 7): what a host stores and an issuer receives.
 *
 *   wrapped key v2 (99) ‖ backup header (126) ‖ header signature (64) ‖ segments
 *
 * version 1 was wrapped key (79) ‖ header (126) ‖ segments; the wire grows by the
 * signature and the HPKE enc bytes (20 + 64 = 84 bytes per backup).
 */
import { HEADER_BYTES } from '../backup-format.ts';
import { fail, ok, type Decoded } from '../result.ts';
import { SIGNATURE_BYTES } from './codec.ts';
import { decodeWrappedKeyV2, WRAPPED_KEY_V2_BYTES } from './wrapped-key.ts';
import { concat } from '../bytes.ts';

export const BACKUP_DATA_PREFIX_BYTES = WRAPPED_KEY_V2_BYTES + HEADER_BYTES + SIGNATURE_BYTES; // 289

export interface BackupDataParts {
  wrappedKey: Uint8Array;
  header: Uint8Array;
  signature: Uint8Array;
  /** The sealed records (back-to-back segments). */
  records: Uint8Array;
}

export const joinBackupData = (p: BackupDataParts): Uint8Array => concat(p.wrappedKey, p.header, p.signature, p.records);

/** Splits on the fixed sizes and checks the wrapped key's framing; never throws. */
export function splitBackupData(b: Uint8Array): Decoded<BackupDataParts> {
  const what = 'backup data';
  if (b.length < BACKUP_DATA_PREFIX_BYTES) return fail(what, `truncated: at least ${BACKUP_DATA_PREFIX_BYTES} bytes expected, got ${b.length}`, b.length);
  const wrappedKey = b.slice(0, WRAPPED_KEY_V2_BYTES);
  const w = decodeWrappedKeyV2(wrappedKey);
  if (!w.ok) return fail(what, w.error.message, 0);
  const header = b.slice(WRAPPED_KEY_V2_BYTES, WRAPPED_KEY_V2_BYTES + HEADER_BYTES);
  const signature = b.slice(WRAPPED_KEY_V2_BYTES + HEADER_BYTES, BACKUP_DATA_PREFIX_BYTES);
  return ok({ wrappedKey, header, signature, records: b.slice(BACKUP_DATA_PREFIX_BYTES) });
}
