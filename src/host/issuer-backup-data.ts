/**
 * The off-device copy's bytes (docs/issuer.md): one backup as the issuer keeps it is
 * backup data version 2 (src/protocol/trust/backup-data.ts: wrapped key ‖ header ‖ the
 * card's header signature ‖ segments), the same bytes the card handed out. `backupData`
 * rebuilds them from what the vault keeps (the row and the backup's own pack);
 * `commitRemoteBackup` puts bytes fetched from the issuer into an empty vault (a new
 * laptop's timeline, patent fig. 21), checked by the vault as if the card had sent them.
 */
import { decodeSegments, encodeSegment, type SealedRecord } from '../protocol/backup-format.ts';
import { joinBackupData, splitBackupData } from '../protocol/trust/backup-data.ts';
import { decodeStoredHeader, type BackupRow, type Vault } from '../vault/index.ts';
import { HostError } from './errors.ts';

/** The backup data of (card, seq) as the card made it; refuses what the issuer would not keep. */
export async function backupData(vault: Vault, card: string, seq: number): Promise<Uint8Array> {
  const row: BackupRow | undefined = await vault.getBackup(card, seq);
  if (!row) throw new HostError('NOT_FOUND', `card ${card} has no backup seq ${seq} in this vault`);
  if (!row.confirmed) throw new HostError('NOT_FOUND', `card ${card} seq ${seq} is not confirmed by the card yet: it is not uploaded`);
  if (!row.headerSignature)
    throw new HostError('VAULT', `card ${card} seq ${seq} is a protocol version 1 backup (no card signature over its header): the issuer keeps only signed backups`);
  const pack = await vault.db.get('packs', [card, seq]);
  if (!pack) throw new HostError('VAULT', `card ${card} seq ${seq}: the pages it carried are missing from the vault`);
  const records: SealedRecord[] = Array.from(pack.pages, (page, i) => ({ page, sealed: pack.sealed.subarray(i * pack.recordBytes, (i + 1) * pack.recordBytes) }));
  // A diff that carried no page still travels as its header (the card sends no segment).
  const segments = records.length === 0 ? new Uint8Array(0) : encodeSegment({ seq, kind: row.kind, records });
  return joinBackupData({ wrappedKey: row.wrappedKey, header: row.header, signature: row.headerSignature, records: segments });
}

/**
 * Stores backup data fetched from the issuer in the vault, confirmed (the issuer keeps
 * only what the card signed and completed). The vault checks header, chain and records
 * as for a backup from the card (the header signature against `cardCertificate`, the
 * certificate of the card that made it); a malformed download is refused with what was wrong.
 */
export async function commitRemoteBackup(vault: Vault, bytes: Uint8Array, cardCertificate: Uint8Array, label?: string): Promise<BackupRow> {
  const parts = splitBackupData(bytes);
  if (!parts.ok) throw new HostError('VAULT', `the issuer's copy does not parse: ${parts.error.message}`, { cause: parts.error });
  const h = decodeStoredHeader(parts.value.header);
  if (!h.ok) throw new HostError('VAULT', `the issuer's copy has a bad header: ${h.error.message}`, { cause: h.error });
  const segs = parts.value.records.length === 0 ? { ok: true as const, value: [] } : decodeSegments(parts.value.records, h.value.pageSize);
  if (!segs.ok) throw new HostError('VAULT', `the issuer's copy of seq ${h.value.seq} has bad records: ${segs.error.message}`, { cause: segs.error });
  const records = segs.value.flatMap((s) => s.records);
  const card = h.value.cardNumber;
  try {
    await vault.commitBackup({
      wrappedKey: parts.value.wrappedKey,
      header: parts.value.header,
      headerSignature: parts.value.signature,
      cardCertificate,
      records,
      ...(label === undefined ? {} : { label }),
    });
    await vault.confirmBackup(card, h.value.seq);
  } catch (e) {
    throw new HostError('VAULT', `the issuer's copy of card ${card} seq ${h.value.seq} was not stored: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
  }
  return (await vault.getBackup(card, h.value.seq)) as BackupRow;
}
