/** The card row's head (newest seq, its hash, newest confirmed), recomputed from what is held. */
import { cardRange, type VaultDB } from './schema.ts';
import type { Track } from './tx.ts';

/** A readwrite transaction over every store that holds backups, for deletes and imports. */
export const writeAllTx = (db: VaultDB) => db.transaction(['backups', 'manifests', 'uses', 'tombstones', 'cards', 'packs', 'packHashes', 'checks'], 'readwrite');
export type WriteAllTx = ReturnType<typeof writeAllTx>;

/** Recompute the card's head after deletions: newest held backup and newest confirmed. */
export async function refreshCard(tx: WriteAllTx, card: string, track: Track): Promise<void> {
  const c = await tx.objectStore('cards').get(card);
  if (!c) return;
  const rows = await tx.objectStore('backups').getAll(cardRange(card));
  const tombs = await tx.objectStore('tombstones').getAllKeys(cardRange(card));
  const newest = rows[rows.length - 1];
  const confirmed = rows.filter((r) => r.confirmed).pop();
  const newestTomb = tombs[tombs.length - 1]?.[1] ?? 0;
  track(
    tx.objectStore('cards').put({
      ...c,
      headSeq: Math.max(newest?.seq ?? 0, newestTomb),
      headHash: newest?.headerHash ?? '',
      confirmedSeq: confirmed?.seq ?? 0,
    }),
  );
}

