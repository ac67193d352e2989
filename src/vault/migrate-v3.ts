/**
 * Schema 2 -> 3: the `uses` rows lose their multi-entry `byPack` index and list the packs
 * a point names as one Uint32Array of seqs instead of [card, seq] pairs.
 *
 * Why (issue 15, measured in Chromium): every (point, pack) pair was one index entry, so
 * importing 100 backups of a 64 KiB card wrote thousands of index entries, a third to a
 * half of the import's time; a diff of a 1 MiB card wrote hundreds. The only question
 * the index answered is delete's "does any kept point still name pack s?", which is rare
 * and now answered by one range read of the card's uses rows from s on (a point never
 * names a pack newer than itself), see delete.ts.
 *
 * It runs in the versionchange transaction after migration 2 (schema.ts chains them), so
 * it is all-or-nothing: a tab closed half way leaves version 2 whole, and the next open
 * runs it again from the start (the conversion is a pure function of the version-2 rows;
 * a row already in the new shape is left as it is).
 */
import type { UpgradeTx, UsesRow } from './schema.ts';

/** A schema-2 uses row: the [card, seq] keys of the packs, for the byPack index. */
interface UsesV2 {
  cardNumber: string;
  seq: number;
  packs: [string, number][] | Uint32Array;
}

interface Cursor {
  value: unknown;
  update(v: unknown): Promise<unknown>;
  continue(): Promise<Cursor | null>;
}

export async function migrateUsesToSeqs(tx: UpgradeTx): Promise<void> {
  const uses = tx.objectStore('uses');
  // The index goes first, while the transaction is surely active.
  if (uses.indexNames.contains('byPack' as never)) uses.deleteIndex('byPack' as never);
  const raw = uses as unknown as { openCursor(): Promise<Cursor | null> };
  for (let c = await raw.openCursor(); c; c = await c.continue()) {
    const u = c.value as UsesV2;
    if (u.packs instanceof Uint32Array) continue;
    const next: UsesRow = { cardNumber: u.cardNumber, seq: u.seq, packs: Uint32Array.from(u.packs.map((k) => k[1]).sort((x, y) => x - y)) };
    await c.update(next);
  }
}
