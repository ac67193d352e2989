/**
 * Removing backups. Deleting one leaves every other point restorable, because each
 * manifest stands alone; then the blobs no remaining manifest references are collected,
 * in the same transaction. Deleted backups leave a tombstone (their header) so the
 * chain can still be checked across them; a discarded backup, which the card never
 * acknowledged and so never chained on, leaves none.
 */
import { HASH_BYTES } from '../protocol/backup-format.ts';
import { storageError, VaultError } from './errors.ts';
import { blobHashes, blobHashOf, pageCountOf } from './manifest.ts';
import { refreshCard, writeAllTx, type WriteAllTx } from './head.ts';
import type { ManifestRow, VaultDB } from './schema.ts';
import { inTransaction, type Track } from './tx.ts';


const prefix = (h: string) => parseInt(h.slice(0, 8), 16);

/** Drop from `candidates` every hash some manifest still references. */
function markReferenced(m: ManifestRow, candidates: Map<number, Set<string>>): void {
  const dv = new DataView(m.hashes.buffer, m.hashes.byteOffset, m.hashes.byteLength);
  for (let p = 0; p < pageCountOf(m); p++) {
    // Compare 4 bytes first: building a hex string per page per manifest would dominate.
    const bucket = candidates.get(dv.getUint32(p * HASH_BYTES));
    if (!bucket) continue;
    bucket.delete(blobHashOf(m, p));
    if (bucket.size === 0) candidates.delete(dv.getUint32(p * HASH_BYTES));
  }
}

/** Delete the blobs among `hashes` that no manifest references any more. Returns how many. */
async function collect(tx: WriteAllTx, hashes: Set<string>, track: Track): Promise<number> {
  const candidates = new Map<number, Set<string>>();
  for (const h of hashes) {
    const k = prefix(h);
    let b = candidates.get(k);
    if (!b) candidates.set(k, (b = new Set()));
    b.add(h);
  }
  for (let c = await tx.objectStore('manifests').openCursor(); c && candidates.size > 0; c = await c.continue()) markReferenced(c.value, candidates);
  let n = 0;
  for (const bucket of candidates.values())
    for (const h of bucket) {
      track(tx.objectStore('blobs').delete(h));
      n++;
    }
  return n;
}

export interface DeleteOptions {
  /** Why, kept in the tombstone. */
  reason: string;
  /** false for an unconfirmed backup being discarded: it never joined the card's chain. */
  tombstone: boolean;
  now: () => number;
}

export interface DeleteResult {
  backups: number;
  blobsCollected: number;
}

export async function deleteBackups(db: VaultDB, card: string, seqs: readonly number[], opts: DeleteOptions): Promise<DeleteResult> {
  const tx = writeAllTx(db);
  try {
    return await inTransaction(tx, async (track) => {
      const orphans = new Set<string>();
      for (const seq of seqs) {
        const row = await tx.objectStore('backups').get([card, seq]);
        if (!row) throw new VaultError('NOT_FOUND', `card ${card} has no backup seq ${seq}`);
        if (!opts.tombstone && row.confirmed) throw new VaultError('CONFIRMED', `card ${card} seq ${seq} was acknowledged by the card; delete it by retention, not discard`);
        const m = await tx.objectStore('manifests').get([card, seq]);
        if (m) for (const h of blobHashes(m)) orphans.add(h);
        track(tx.objectStore('backups').delete([card, seq]));
        track(tx.objectStore('manifests').delete([card, seq]));
        if (opts.tombstone)
          track(
            tx.objectStore('tombstones').put({
              cardNumber: card,
              seq,
              header: row.header,
              headerHash: row.headerHash,
              prevHash: row.prevHash,
              deletedAt: opts.now(),
              reason: opts.reason,
            }),
          );
      }
      // Requests in one transaction run in order: the scan below no longer sees the removed manifests.
      const blobsCollected = await collect(tx, orphans, track);
      await refreshCard(tx, card, track);
      return { backups: seqs.length, blobsCollected };
    });
  } catch (e) {
    throw storageError(e, `deleting card ${card} seq ${seqs.join(', ')}`, 0);
  }
}

/** Remove an unconfirmed backup (BACKUP COMPLETE never reached the card). */
export function discardBackup(db: VaultDB, card: string, seq: number, now: () => number): Promise<DeleteResult> {
  return deleteBackups(db, card, [seq], { reason: 'discarded', tombstone: false, now });
}
