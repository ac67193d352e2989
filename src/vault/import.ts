/**
 * Import an export file. Everything is checked first (export-format, export-check);
 * then one readwrite transaction reads what the vault holds of the same cards, refuses
 * on any disagreement, and merges: backups the vault already holds are skipped, backups
 * it deleted come back, new ones are added. A refusal at any point leaves it unchanged.
 */
import { checkChain } from './chain.ts';
import { storageError, VaultError } from './errors.ts';
import { checkContents, type ImportCard } from './export-check.ts';
import { decodeExport } from './export-format.ts';
import { blobHashes } from './manifest.ts';
import { refreshCard, writeAllTx, type WriteAllTx } from './head.ts';
import { cardRange, type BackupRow, type TombstoneRow, type VaultDB } from './schema.ts';
import { inTransaction, type Track } from './tx.ts';

export interface ImportReport {
  cards: number;
  /** Backups written (new, or brought back after deletion). */
  added: number;
  /** Backups the vault already held. */
  alreadyHeld: number;
  tombstones: number;
  blobs: number;
}

const conflict = (cn: string, seq: number, what: string) => new VaultError('CONFLICT', `import refused: card ${cn} seq ${seq}: ${what}; nothing was imported`);

/** Decide, for one card, what to write; throws CONFLICT when the file and vault disagree. */
async function planCard(tx: WriteAllTx, ic: ImportCard) {
  const cn = ic.card.cardNumber;
  const known = await tx.objectStore('cards').get(cn);
  if (known && (known.issuer !== ic.card.issuer || known.memorySize !== ic.card.memorySize || known.pageSize !== ic.card.pageSize))
    throw new VaultError('CONFLICT', `import refused: card ${cn} in the file has another issuer or memory layout than in the vault; nothing was imported`);
  const held = new Map((await tx.objectStore('backups').getAll(cardRange(cn))).map((b) => [b.seq, b]));
  const dead = new Map((await tx.objectStore('tombstones').getAll(cardRange(cn))).map((t) => [t.seq, t]));
  const add: BackupRow[] = [];
  const confirm: BackupRow[] = [];
  const revive: number[] = [];
  const bury: TombstoneRow[] = [];
  for (const b of ic.backups) {
    const h = held.get(b.seq) ?? dead.get(b.seq);
    if (h && h.headerHash !== b.headerHash) throw conflict(cn, b.seq, 'the vault holds a different backup with this sequence number');
    const row = held.get(b.seq);
    if (row) {
      if (b.confirmed && !row.confirmed) confirm.push(row);
      continue;
    }
    if (dead.has(b.seq)) revive.push(b.seq);
    add.push(b);
  }
  for (const t of ic.tombstones) {
    const h = held.get(t.seq) ?? dead.get(t.seq);
    if (h && h.headerHash !== t.headerHash) throw conflict(cn, t.seq, 'the vault holds a different backup with this sequence number');
    if (!h) bury.push(t);
  }
  // The merged chain must hold too: a file from another card's history must not splice in.
  const links = new Map<number, { seq: number; headerHash: string; prevHash: string; settled: boolean }>();
  for (const t of [...dead.values(), ...bury]) links.set(t.seq, { ...t, settled: true });
  for (const b of [...held.values(), ...add]) links.set(b.seq, { ...b, settled: b.confirmed || confirm.some((c) => c.seq === b.seq) });
  const broken = checkChain([...links.values()]).find((p) => p.severity === 'damage');
  if (broken) throw conflict(cn, broken.seq, `the merged chain would break: ${broken.message}`);
  return { known, add, confirm, revive, bury };
}

export async function importFile(db: VaultDB, file: Uint8Array): Promise<ImportReport> {
  const set = checkContents(decodeExport(file));
  const report: ImportReport = { cards: set.cards.size, added: 0, alreadyHeld: 0, tombstones: 0, blobs: 0 };
  const blobs = new Map(set.blobs.map((b) => [b.hash, b]));
  const tx = writeAllTx(db);
  try {
    await inTransaction(tx, async (track: Track) => {
      const plans = [];
      for (const ic of set.cards.values()) plans.push({ ic, ...(await planCard(tx, ic)) });
      for (const { ic, known, add, confirm, revive, bury } of plans) {
        const cn = ic.card.cardNumber;
        if (!known) track(tx.objectStore('cards').put({ ...ic.card, headSeq: 0, headHash: '', confirmedSeq: 0 }));
        const needed = new Set<string>();
        const manifests = new Map(ic.manifests.map((m) => [m.seq, m]));
        for (const b of add) {
          const m = manifests.get(b.seq);
          if (!m) continue; // checkContents guarantees one
          for (const h of blobHashes(m)) needed.add(h);
          track(tx.objectStore('manifests').put(m));
          track(tx.objectStore('backups').put(b));
        }
        for (const h of needed) track(tx.objectStore('blobs').put(blobs.get(h) as { hash: string; sealed: Uint8Array }));
        for (const r of confirm) track(tx.objectStore('backups').put({ ...r, confirmed: true }));
        for (const seq of revive) track(tx.objectStore('tombstones').delete([cn, seq]));
        for (const t of bury) track(tx.objectStore('tombstones').put(t));
        await refreshCard(tx, cn, track);
        report.added += add.length;
        report.alreadyHeld += ic.backups.length - add.length;
        report.tombstones += bury.length;
        report.blobs += needed.size;
      }
    });
  } catch (e) {
    throw storageError(e, 'import', file.length);
  }
  return report;
}
