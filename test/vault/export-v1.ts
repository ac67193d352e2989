/**
 * Export files of version 1, as the app wrote them before version 2 (one entry per sealed
 * page with its hash): the import of old files is tested from files this writes.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { VaultError } from '../../src/vault/errors.ts';
import { EXPORT_V1, encodeExportV1, type ExportIndex, type ExportManifest } from '../../src/vault/export-format.ts';
import { toHex } from '../../src/vault/hash.ts';
import { pageCountOf, recordOf } from '../../src/vault/manifest.ts';
import { cardRange, type CardRow, type VaultDB } from '../../src/vault/schema.ts';


export async function exportV1(db: VaultDB, opts: { card?: string } = {}, now: () => number = Date.now): Promise<Uint8Array> {
  // One read transaction: the file is a consistent snapshot even if a backup lands meanwhile.
  const tx = db.transaction(['cards', 'backups', 'manifests', 'tombstones', 'packs']);
  let cards: CardRow[];
  if (opts.card === undefined) cards = await tx.objectStore('cards').getAll();
  else {
    const c = await tx.objectStore('cards').get(opts.card);
    if (!c) throw new VaultError('NOT_FOUND', `no card ${opts.card} in the vault`);
    cards = [c];
  }
  const index: ExportIndex = {
    format: 'icvault-export',
    version: EXPORT_V1,
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
    manifests: [],
    blobs: [],
  };
  const blobIndex = new Map<string, number>();
  const blobs: Uint8Array[] = [];
  for (const c of cards) {
    const range = cardRange(c.cardNumber);
    const [backups, tombs, manifests, packs] = await Promise.all([
      tx.objectStore('backups').getAll(range),
      tx.objectStore('tombstones').getAll(range),
      tx.objectStore('manifests').getAll(range),
      tx.objectStore('packs').getAll(range),
    ]);
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
        ...(t.headerSignature ? { headerSignature: toHex(t.headerSignature) } : {}),
        headerHash: t.headerHash,
        deletedAt: t.deletedAt,
        reason: t.reason,
      });
    const packOf = new Map(packs.map((p) => [p.seq, p]));
    const entryOf = new Map<string, number>(); // `${seq}/${page}` -> blob index
    for (const m of manifests) {
      const em: ExportManifest = { card: m.cardNumber, seq: m.seq, seqs: Array.from(m.seqs), kinds: Array.from(m.kinds), blobs: [] };
      for (let p = 0; p < pageCountOf(m); p++) {
        const s = m.seqs[p] as number;
        const key = `${s}/${p}`;
        let i = entryOf.get(key);
        if (i === undefined) {
          const pack = packOf.get(s);
          const sealed = pack && recordOf(pack, p);
          if (!sealed) throw new VaultError('CORRUPT', `cannot export card ${c.cardNumber}: page ${p} of seq ${m.seq}, stored by seq ${s}, is missing (run verify to see which points it breaks)`);
          const h = toHex(sha256(sealed));
          i = blobIndex.get(h);
          if (i === undefined) {
            blobIndex.set(h, (i = blobs.length));
            blobs.push(sealed);
          }
          entryOf.set(key, i);
        }
        em.blobs.push(i);
      }
      index.manifests.push(em);
    }
  }
  index.blobs = [...blobIndex.keys()].map((h, i) => [h, (blobs[i] as Uint8Array).length]);
  return encodeExportV1({ index, blobs });
}
