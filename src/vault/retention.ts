/**
 * Apply a retention policy to the vault, or only say what it would do (dry run).
 * Deleting is safe for every other point: manifests stand alone, tombstones keep the
 * chain checkable, and packs no point uses any more are collected.
 */
import { TAG_BYTES } from '../protocol/backup-format.ts';
import { checkHeader, checkManifest } from './checks.ts';
import { deleteBackups } from './delete.ts';
import { VaultError } from './errors.ts';
import { digestHex } from './hash.ts';
import { packShapeProblem, pagesFrom, recordOf, refsOf } from './manifest.ts';
import { packHashOf } from './pack-hash.ts';
import { decideRetention, type RetentionDecision, type RetentionPolicy } from './retention-policy.ts';
import { cardRange, type BackupRow, type VaultDB } from './schema.ts';

export interface RetentionOptions {
  /** Only this card (default: every card). */
  card?: string;
  /** Say what would be deleted, delete nothing. */
  dryRun?: boolean;
}

export interface RetentionReport extends RetentionDecision {
  card: string;
  dryRun: boolean;
  packsCollected: number;
}

/** Is this point restorable as far as the vault can tell: header, manifest, every pack it uses? */
async function sound(db: VaultDB, row: BackupRow): Promise<boolean> {
  const h = checkHeader(row.cardNumber, row.seq, row.header, row.headerHash);
  if (!h.fields || h.findings.length > 0) return false;
  const f = h.fields;
  const tx = db.transaction(['manifests', 'packs', 'packHashes']);
  const m = await tx.objectStore('manifests').get([row.cardNumber, row.seq]);
  if (checkManifest(row.cardNumber, row.seq, f, m).length > 0 || !m) return false;
  const refs = refsOf(row.cardNumber, m.seqs);
  const [packs, entries] = await Promise.all([Promise.all(refs.map((r) => tx.objectStore('packs').get(r))), Promise.all(refs.map((r) => tx.objectStore('packHashes').get(r)))]);
  for (const [i, pack] of packs.entries()) {
    if (!pack || packShapeProblem(pack, m.seqs.length, f.pageSize + TAG_BYTES) !== undefined) return false;
    if (pagesFrom(m, pack.seq).some((p) => recordOf(pack, p) === undefined)) return false;
    const stored = packHashOf(pack, entries[i]);
    if (stored === undefined || (await digestHex(pack.sealed)) !== stored || refs[i]?.[1] !== pack.seq) return false;
  }
  return true;
}

async function newestVerified(db: VaultDB, rows: BackupRow[]): Promise<number | undefined> {
  for (const r of [...rows].reverse()) if (r.confirmed && (await sound(db, r))) return r.seq;
  return undefined;
}

export async function applyRetention(
  db: VaultDB,
  policy: RetentionPolicy,
  opts: RetentionOptions,
  lock: <T>(card: string, fn: () => Promise<T>) => Promise<T>,
  now: () => number,
): Promise<RetentionReport[]> {
  const cards = opts.card === undefined ? await db.getAllKeys('cards') : [opts.card];
  const out: RetentionReport[] = [];
  for (const card of cards) {
    // Under the card's lock: a backup landing half way through must not be judged stale.
    const report = await lock(card, async () => {
      if (!(await db.get('cards', card))) throw new VaultError('NOT_FOUND', `no card ${card} in the vault`);
      const rows = await db.getAll('backups', cardRange(card));
      const decision = decideRetention(rows, policy, await newestVerified(db, rows));
      let packsCollected = 0;
      if (!opts.dryRun && decision.remove.length > 0)
        packsCollected = (
          await deleteBackups(
            db,
            card,
            decision.remove.map((r) => r.seq),
            { reason: 'retention', tombstone: true, now },
          )
        ).packsCollected;
      return { card, dryRun: opts.dryRun ?? false, ...decision, packsCollected };
    });
    out.push(report);
  }
  return out;
}
