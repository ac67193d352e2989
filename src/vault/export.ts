/** Export the whole vault, or one card's chain, as one file (export-format.ts). */
import { VaultError } from './errors.ts';
import { EXPORT_VERSION, encodeExport, type ExportIndex, type ExportManifest } from './export-format.ts';
import { shortHash, toHex } from './hash.ts';
import { blobHashOf, pageCountOf } from './manifest.ts';
import { cardRange, type CardRow, type VaultDB } from './schema.ts';

export interface ExportOptions {
  /** Only this card's chain (default: the whole vault). */
  card?: string;
}

export async function exportVault(db: VaultDB, opts: ExportOptions, now: () => number): Promise<Uint8Array> {
  // One read transaction: the file is a consistent snapshot even if a backup lands meanwhile.
  const tx = db.transaction(['cards', 'backups', 'manifests', 'tombstones', 'blobs']);
  let cards: CardRow[];
  if (opts.card === undefined) cards = await tx.objectStore('cards').getAll();
  else {
    const c = await tx.objectStore('cards').get(opts.card);
    if (!c) throw new VaultError('NOT_FOUND', `no card ${opts.card} in the vault`);
    cards = [c];
  }
  const index: ExportIndex = {
    format: 'icvault-export',
    version: EXPORT_VERSION,
    createdAt: now(),
    scope: opts.card === undefined ? 'vault' : 'card',
    cards: cards.map(({ cardNumber, issuer, epoch, label, memorySize, pageSize, createdAt }) => ({ cardNumber, issuer, epoch, label, memorySize, pageSize, createdAt })),
    backups: [],
    tombstones: [],
    manifests: [],
    blobs: [],
  };
  const blobIndex = new Map<string, number>();
  for (const c of cards) {
    const range = cardRange(c.cardNumber);
    for (const b of await tx.objectStore('backups').getAll(range))
      index.backups.push({ card: b.cardNumber, seq: b.seq, confirmed: b.confirmed, storedAt: b.storedAt, header: toHex(b.header), wrappedKey: toHex(b.wrappedKey), headerHash: b.headerHash });
    for (const t of await tx.objectStore('tombstones').getAll(range))
      index.tombstones.push({ card: t.cardNumber, seq: t.seq, header: toHex(t.header), headerHash: t.headerHash, deletedAt: t.deletedAt, reason: t.reason });
    for (const m of await tx.objectStore('manifests').getAll(range)) {
      const em: ExportManifest = { card: m.cardNumber, seq: m.seq, seqs: Array.from(m.seqs), kinds: Array.from(m.kinds), blobs: [] };
      for (let p = 0; p < pageCountOf(m); p++) {
        const h = blobHashOf(m, p);
        let i = blobIndex.get(h);
        if (i === undefined) blobIndex.set(h, (i = blobIndex.size));
        em.blobs.push(i);
      }
      index.manifests.push(em);
    }
  }
  const hashes = [...blobIndex.keys()];
  const rows = await Promise.all(hashes.map((h) => tx.objectStore('blobs').get(h)));
  const blobs = rows.map((r, i) => {
    if (!r) throw new VaultError('CORRUPT', `cannot export: blob ${shortHash(hashes[i] as string)} is missing (run verify to see which points it breaks)`);
    return r.sealed;
  });
  index.blobs = hashes.map((h, i) => [h, (blobs[i] as Uint8Array).length]);
  return encodeExport({ index, blobs });
}
