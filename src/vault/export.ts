/**
 * Export the whole vault, or one card's chain, as one file (export file version 2,
 * export-packs.ts): every value as it is stored, read in one transaction, copied once.
 * Packs nothing names any more are not in the vault (delete collects them), so the file
 * holds exactly what the points need; a pack a manifest names but that is missing stops
 * the export (verify says which points it breaks).
 */
import { VaultError } from './errors.ts';
import { EXPORT_VERSION } from './export-format.ts';
import type { ExportIndexV2 } from './export-packs.ts';
import { encodeExportV2 } from './export-packs.ts';
import { toHex } from './hash.ts';
import { refsOf } from './manifest.ts';
import { cardRange, type CardRow, type ManifestRow, type PackRow, type VaultDB } from './schema.ts';

export interface ExportOptions {
  /** Only this card's chain (default: the whole vault). */
  card?: string;
}

export async function exportVault(db: VaultDB, opts: ExportOptions, now: () => number): Promise<Uint8Array> {
  // One read transaction: the file is a consistent snapshot even if a backup lands meanwhile.
  const tx = db.transaction(['cards', 'backups', 'manifests', 'tombstones', 'packs']);
  let cards: CardRow[];
  if (opts.card === undefined) cards = await tx.objectStore('cards').getAll();
  else {
    const c = await tx.objectStore('cards').get(opts.card);
    if (!c) throw new VaultError('NOT_FOUND', `no card ${opts.card} in the vault`);
    cards = [c];
  }
  const index: Omit<ExportIndexV2, 'maps' | 'packs'> = {
    format: 'icvault-export',
    version: EXPORT_VERSION,
    createdAt: now(),
    scope: opts.card === undefined ? 'vault' : 'card',
    cards: cards.map(({ cardNumber, issuer, epoch, label, memorySize, pageSize, createdAt, certificate }) => ({
      cardNumber,
      issuer,
      epoch,
      label,
      memorySize,
      pageSize,
      createdAt,
      ...(certificate ? { certificate: toHex(certificate) } : {}),
    })),
    backups: [],
    tombstones: [],
  };
  const maps: ManifestRow[] = [];
  const packs: PackRow[] = [];
  // Every card's reads are requested at once; the transaction answers them in order.
  const read = await Promise.all(
    cards.map((c) => {
      const range = cardRange(c.cardNumber);
      return Promise.all([tx.objectStore('backups').getAll(range), tx.objectStore('tombstones').getAll(range), tx.objectStore('manifests').getAll(range), tx.objectStore('packs').getAll(range)]);
    }),
  );
  for (const [i, [backups, tombs, manifests, held]] of read.entries()) {
    const cn = (cards[i] as CardRow).cardNumber;
    for (const b of backups)
      index.backups.push({
        card: b.cardNumber,
        seq: b.seq,
        confirmed: b.confirmed,
        storedAt: b.storedAt,
        header: toHex(b.header),
        wrappedKey: toHex(b.wrappedKey),
        ...(b.headerSignature ? { headerSignature: toHex(b.headerSignature) } : {}),
        headerHash: b.headerHash,
      });
    for (const t of tombs)
      index.tombstones.push({
        card: t.cardNumber,
        seq: t.seq,
        header: toHex(t.header),
        ...(t.wrappedKey ? { wrappedKey: toHex(t.wrappedKey) } : {}),
        ...(t.headerSignature ? { headerSignature: toHex(t.headerSignature) } : {}),
        headerHash: t.headerHash,
        deletedAt: t.deletedAt,
        reason: t.reason,
      });
    const have = new Set(held.map((p) => p.seq));
    for (const m of manifests) {
      const lost = refsOf(cn, m.seqs).find(([, s]) => !have.has(s));
      if (lost) throw new VaultError('CORRUPT', `cannot export card ${cn}: the point seq ${m.seq} needs the pages stored by seq ${lost[1]}, which are missing (run verify to see which points it breaks)`);
      maps.push(m);
    }
    packs.push(...held);
  }
  return encodeExportV2(index, maps, packs);
}
