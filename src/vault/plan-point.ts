/** What every restore plan carries about its point: the header, wrapped key and signature the card checks. */
import { VaultError } from './errors.ts';
import type { BackupRow } from './schema.ts';
import { decodeStoredHeader, V1_NOTE, type ProtocolVersion, type StoredHeader } from './versions.ts';

export interface PointData {
  cardNumber: string;
  seq: number;
  /** 126-byte header of the point, as the card made it. */
  header: Uint8Array;
  fields: StoredHeader;
  wrappedKey: Uint8Array;
  /** The card's signature over the header (protocol version 2): the card checks it on RESTORE. */
  headerSignature?: Uint8Array;
  /** Protocol version of the backup; version 1 cannot be restored into a version-2 card. */
  version: ProtocolVersion;
  /** Set for version 1: V1_NOTE, for the host to show instead of sending it to a version-2 card. */
  note?: string;
  confirmed: boolean;
}

export async function need<T>(v: Promise<T | undefined>, code: 'NOT_FOUND' | 'MISSING_BASE' | 'CORRUPT', msg: string): Promise<T> {
  const got = await v;
  if (got === undefined) throw new VaultError(code, msg);
  return got;
}

export function fieldsOf(row: BackupRow): StoredHeader {
  const h = decodeStoredHeader(row.header);
  if (!h.ok) throw new VaultError('CORRUPT', `card ${row.cardNumber} seq ${row.seq}: stored header does not decode: ${h.error.message}`, { cause: h.error });
  return h.value;
}

export function pointOf(row: BackupRow): PointData {
  const fields = fieldsOf(row);
  return {
    cardNumber: row.cardNumber,
    seq: row.seq,
    header: row.header,
    fields,
    wrappedKey: row.wrappedKey,
    ...(row.headerSignature ? { headerSignature: row.headerSignature } : {}),
    version: fields.version,
    ...(fields.version === 1 ? { note: V1_NOTE } : {}),
    confirmed: row.confirmed,
  };
}
