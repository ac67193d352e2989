/**
 * Removing backups. Deleting one leaves every other point restorable, because each
 * manifest stands alone and a pack stays while its own backup or any manifest still
 * names it (one range read of the uses rows answers that, without reading manifests). Deleted backups leave a tombstone (their header) so the chain can still be
 * checked across them; a discarded backup, which the card never acknowledged and so
 * never chained on, leaves none.
 *
 * Over quota, Chromium refuses every transaction that writes anything, even one that
 * frees far more than it writes, but lets a delete-only transaction through. So when the
 * ordinary transaction (deletes + tombstones + card head) is refused for quota, the
 * deletes run alone first and the tombstones and head follow in a second, small
 * transaction. A crash between the two loses only tombstones: the chain then shows a gap
 * where the deleted backups were, never damage (docs/vault-format.md).
 */
import { storageError, VaultError } from './errors.ts';
import { refreshCard, writeAllTx, type WriteAllTx } from './head.ts';
import { refsOf } from './manifest.ts';
import type { BackupRow, TombstoneRow, VaultDB } from './schema.ts';
import { inTransaction, type Track } from './tx.ts';

export interface DeleteOptions {
  /** Why, kept in the tombstone. */
  reason: string;
  /** false for an unconfirmed backup being discarded: it never joined the card's chain. */
  tombstone: boolean;
  now: () => number;
}

export interface DeleteResult {
  backups: number;
  /** Packs no kept backup or manifest needed any more, removed with them. */
  packsCollected: number;
}

/** Delete the rows of `seqs` and every pack nothing names any more; only deletes. */
async function removeRows(tx: WriteAllTx, card: string, seqs: readonly number[], opts: DeleteOptions, track: Track) {
  const rows: BackupRow[] = [];
  const candidates = new Set<number>();
  for (const seq of seqs) {
    const row = await tx.objectStore('backups').get([card, seq]);
    if (!row) throw new VaultError('NOT_FOUND', `card ${card} has no backup seq ${seq}`);
    if (!opts.tombstone && row.confirmed) throw new VaultError('CONFIRMED', `card ${card} seq ${seq} was acknowledged by the card; delete it by retention, not discard`);
    rows.push(row);
    candidates.add(seq);
    const m = await tx.objectStore('manifests').get([card, seq]);
    if (m) for (const [, s] of refsOf(card, m.seqs)) candidates.add(s);
    track(tx.objectStore('backups').delete([card, seq]));
    track(tx.objectStore('manifests').delete([card, seq]));
    track(tx.objectStore('uses').delete([card, seq]));
  }
  // Requests in one transaction run in order: the reads below no longer see the removed
  // rows. A point never names a pack newer than itself, so the points that could still
  // name a candidate are the ones from the lowest candidate on: one range read each.
  let packsCollected = 0;
  if (candidates.size === 0) return { rows, packsCollected };
  const from = IDBKeyRange.bound([card, Math.min(...candidates)], [card, 0x1_0000_0000], false, true);
  const [kept, uses] = await Promise.all([tx.objectStore('backups').getAllKeys(from), tx.objectStore('uses').getAll(from)]);
  const named = new Set(kept.map((k) => k[1]));
  for (const u of uses) for (const s of u.packs) named.add(s);
  for (const s of candidates) {
    if (named.has(s)) continue;
    track(tx.objectStore('packs').delete([card, s]));
    track(tx.objectStore('packHashes').delete([card, s]));
    track(tx.objectStore('checks').delete([card, s]));
    packsCollected++;
  }
  return { rows, packsCollected };
}

const tombstoneOf = (row: BackupRow, opts: DeleteOptions): TombstoneRow => ({
  cardNumber: row.cardNumber,
  seq: row.seq,
  header: row.header,
  ...(row.headerSignature ? { wrappedKey: row.wrappedKey, headerSignature: row.headerSignature } : {}),
  ...(row.signatureHash ? { signatureHash: row.signatureHash } : {}),
  headerHash: row.headerHash,
  prevHash: row.prevHash,
  deletedAt: opts.now(),
  reason: opts.reason,
});

async function writeTombstones(tx: WriteAllTx, card: string, rows: BackupRow[], opts: DeleteOptions, track: Track): Promise<void> {
  if (opts.tombstone) for (const row of rows) track(tx.objectStore('tombstones').put(tombstoneOf(row, opts)));
  await refreshCard(tx, card, track);
}

export async function deleteBackups(db: VaultDB, card: string, seqs: readonly number[], opts: DeleteOptions): Promise<DeleteResult> {
  const what = `deleting card ${card} seq ${seqs.join(', ')}`;
  try {
    const tx = writeAllTx(db);
    return await inTransaction(tx, async (track) => {
      const { rows, packsCollected } = await removeRows(tx, card, seqs, opts, track);
      await writeTombstones(tx, card, rows, opts, track);
      return { backups: rows.length, packsCollected };
    });
  } catch (e) {
    const err = storageError(e, what, 0);
    if (err.code !== 'QUOTA') throw err;
  }
  // Over quota: free the space with deletes alone, then record what was deleted.
  try {
    const first = writeAllTx(db);
    const removed = await inTransaction(first, (track) => removeRows(first, card, seqs, opts, track));
    const second = writeAllTx(db);
    await inTransaction(second, (track) => writeTombstones(second, card, removed.rows, opts, track));
    return { backups: removed.rows.length, packsCollected: removed.packsCollected };
  } catch (e) {
    throw storageError(e, what, 0);
  }
}

/** Remove an unconfirmed backup (BACKUP COMPLETE never reached the card). */
export function discardBackup(db: VaultDB, card: string, seq: number, now: () => number): Promise<DeleteResult> {
  return deleteBackups(db, card, [seq], { reason: 'discarded', tombstone: false, now });
}
