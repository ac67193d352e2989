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
import { encodeExportV2, type HashedPack } from './export-packs.ts';
import { toHex } from './hash.ts';
import { distinctSeqs } from './manifest.ts';
import { packHashOf } from './pack-hash.ts';
import { cardRange, type VaultDB } from './schema.ts';

export interface ExportOptions {
  /** Only this card's chain (default: the whole vault). */
  card?: string;
}

export async function exportVault(db: VaultDB, opts: ExportOptions, now: () => number): Promise<Uint8Array> {
  // One read transaction: the file is a consistent snapshot even if a backup lands meanwhile.
  const tx = db.transaction(['cards', 'backups', 'manifests', 'tombstones', 'packs', 'packHashes']);
  // Every read requested at once, the cards with the rest: one card's key range, or the
  // whole stores (in key order, so card by card, as the index lists them).
  const range = opts.card === undefined ? undefined : cardRange(opts.card);
  const reads = Promise.all([
    opts.card === undefined ? tx.objectStore('cards').getAll() : tx.objectStore('cards').get(opts.card).then((c) => (c ? [c] : [])),
    tx.objectStore('backups').getAll(range),
    tx.objectStore('tombstones').getAll(range),
    tx.objectStore('manifests').getAll(range),
    tx.objectStore('packs').getAll(range),
    tx.objectStore('packHashes').getAll(range),
  ]);
  const [cards, backups, tombs, manifests, held, hashRows] = await reads;
  if (opts.card !== undefined && cards.length === 0) throw new VaultError('NOT_FOUND', `no card ${opts.card} in the vault`);
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
  // Rows of a card the vault does not list (none, unless damaged) stay out of the file.
  const listed = new Set(cards.map((c) => c.cardNumber));
  for (const b of backups)
    if (listed.has(b.cardNumber))
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
    if (listed.has(t.cardNumber))
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
  // Each pack goes out with the hash the vault keeps for it (pack-hash.ts), never one
  // computed now: a pack altered in storage is then refused by the import, not laundered.
  const hashes = new Map(hashRows.map((h) => [`${h.cardNumber}/${h.seq}`, h.hash]));
  const packs: HashedPack[] = [];
  for (const p of held) {
    if (!listed.has(p.cardNumber)) continue;
    const hash = packHashOf(p, hashes.get(`${p.cardNumber}/${p.seq}`));
    if (hash === undefined) throw new VaultError('CORRUPT', `cannot export card ${p.cardNumber}: the pages stored by seq ${p.seq} have no stored hash (run verify)`);
    packs.push({ ...p, hash });
  }
  const have = new Map<string, Set<number>>();
  for (const p of packs) (have.get(p.cardNumber) ?? have.set(p.cardNumber, new Set()).get(p.cardNumber))?.add(p.seq);
  const maps = manifests.filter((m) => listed.has(m.cardNumber));
  for (const m of maps) {
    const held = have.get(m.cardNumber);
    const lost = distinctSeqs(m.seqs).find((s) => !held?.has(s));
    if (lost !== undefined)
      throw new VaultError('CORRUPT', `cannot export card ${m.cardNumber}: the point seq ${m.seq} needs the pages stored by seq ${lost}, which are missing (run verify to see which points it breaks)`);
  }
  return encodeExportV2(index, maps, packs);
}
