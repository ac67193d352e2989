/**
 * Which protocol version made a backup, judged from its bytes before anything is sent
 * to a card (issue 10). Version 1 data (wrapped key 79 ‖ header 126 ‖ segments) was
 * sealed under a fleet-wide common key that version-2 cards no longer hold; version 2
 * data is wrapped key v2 99 ‖ header 126 ‖ header signature 64 ‖ segments
 * (src/protocol/trust/backup-data.ts). A version-2 card answers its status word for v1
 * data anyway; the host names the reason first so the cardholder keeps the backup.
 */
import { HEADER_BYTES, WRAPPED_KEY_BYTES } from '../protocol/backup-format.ts';
import { BACKUP_DATA_PREFIX_BYTES } from '../protocol/trust/backup-data.ts';
import { WRAPPED_KEY_V2_BYTES } from '../protocol/trust/wrapped-key.ts';
import { HostError } from './errors.ts';

export type BackupProtocol = 1 | 2;

const KEY_MAGIC = [0x49, 0x43, 0x56, 0x4b]; // 'ICVK'
const HEADER_MAGIC = [0x49, 0x43, 0x56, 0x42]; // 'ICVB'

/** Magic then version byte at `at` (the layout both the wrapped key and the header open with). */
const framed = (b: Uint8Array, at: number, magic: readonly number[], version: number): boolean =>
  magic.every((m, i) => b[at + i] === m) && b[at + magic.length] === version;

/**
 * 1 or 2 when the wrapped key and the header both say that version at that version's
 * offsets; undefined for anything else (truncated, damaged, or a future version).
 */
export function backupDataProtocol(data: Uint8Array): BackupProtocol | undefined {
  if (data.length >= BACKUP_DATA_PREFIX_BYTES && framed(data, 0, KEY_MAGIC, 2) && framed(data, WRAPPED_KEY_V2_BYTES, HEADER_MAGIC, 2)) return 2;
  if (data.length >= WRAPPED_KEY_BYTES + HEADER_BYTES && framed(data, 0, KEY_MAGIC, 1) && framed(data, WRAPPED_KEY_BYTES, HEADER_MAGIC, 1)) return 1;
  return undefined;
}

/**
 * Throws OLD_PROTOCOL for version-1 data and BAD_BACKUP for bytes of no known version,
 * naming what was wrong; returns for version-2 data. Nothing is sent or changed.
 */
export function requireVersion2BackupData(data: Uint8Array, sourceCard: string): void {
  const version = backupDataProtocol(data);
  if (version === 2) return;
  if (version === 1)
    throw new HostError('OLD_PROTOCOL', `the backup of card ${sourceCard} was made by protocol version 1: cannot be restored into a version-2 card; export it to keep it`);
  throw new HostError('BAD_BACKUP', `the backup of card ${sourceCard} is not backup data of protocol version 1 or 2 (${data.length} bytes): it was not sent to the card`);
}
