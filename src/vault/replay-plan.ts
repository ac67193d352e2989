/**
 * The replay plan (patent claim 15): the full the point descends from, then every diff
 * on the way to it, in order. Planning names the steps and their sizes only (seq, kind,
 * base, pages carried: what the host needs to meter the whole restore), from the card's
 * links (replay-links.ts) without reading the steps' rows or packs; `replaySteps` reads
 * a run of steps' headers, wrapped keys, signatures and records when the host sends
 * them, in one transaction per call.
 *
 * The steps are the chain walked back along baseSeq, not every seq in the range: after a
 * restore of an older point, the card's next diffs build on that point, so a later
 * point's chain skips the branch left behind.
 */
import { TAG_BYTES, type BackupKind, type Segment } from '../protocol/backup-format.ts';
import { VaultError } from './errors.ts';
import { pointOf, type PointData } from './plan-point.ts';
import { chainOf, dropLinks, keepLinks, linksKey, planTx, runsOf } from './replay-links.ts';
import type { BackupRow, PackRow, VaultDB } from './schema.ts';

export interface ReplayStep {
  seq: number;
  kind: BackupKind;
  /** The step before it (0 for the full). */
  baseSeq: number;
  /** Pages this backup carried (0 for a diff of nothing: still a step, it moves the card's point on). */
  pages: number;
  sealedBytes: number;
}

/** One step as the card is sent it, read by `replaySteps`. */
export interface ReplayStepData {
  seq: number;
  kind: BackupKind;
  header: Uint8Array;
  wrappedKey: Uint8Array;
  headerSignature?: Uint8Array;
  /** The records this backup carried, as one segment. */
  segment: Segment;
}

export interface ReplayPlan extends PointData {
  mode: 'replay';
  /** The full first, then each diff in seq order, ending with the point itself. */
  steps: ReplayStep[];
  pages: number;
  sealedBytes: number;
}

export async function replayPlan(db: VaultDB, card: string, seq: number): Promise<ReplayPlan> {
  const tx = planTx(db);
  const [row, kept] = await Promise.all([tx.objectStore('backups').get([card, seq]), tx.objectStore('meta').get(linksKey(card))]);
  if (!row) throw new VaultError('NOT_FOUND', `card ${card} has no backup seq ${seq}`);
  const point = pointOf(row);
  const { result, changed } = await chainOf(tx, card, row, kept);
  if (changed) await keepLinks(db, card, changed);
  if ('missing' in result)
    throw new VaultError('MISSING_BASE', `cannot replay card ${card} seq ${seq}: seq ${result.missing}, the base of seq ${result.of}, is not in the vault (a compacted restore does not need it)`);
  const record = point.fields.pageSize + TAG_BYTES;
  const steps = result.steps.map((s) => ({ ...s, sealedBytes: s.pages * record }));
  const pages = steps.reduce((n, s) => n + s.pages, 0);
  return { ...point, mode: 'replay', steps, pages, sealedBytes: pages * record };
}

/**
 * Steps [from, to) of a replay plan with their records: one transaction, one range read
 * of rows and one of packs per run of consecutive seqs. Each step's row is checked
 * against the plan (it must still be the backup planned, on the step before it), and its
 * pack must hold exactly the pages it carried, whole: `MISSING_BASE`, `CONFLICT` or
 * `CORRUPT` otherwise, naming the step.
 */
export async function replaySteps(db: VaultDB, plan: ReplayPlan, from: number, to: number): Promise<ReplayStepData[]> {
  const card = plan.cardNumber;
  const want = plan.steps.slice(from, to);
  const tx = db.transaction(['backups', 'packs']);
  const runs = runsOf(want);
  const [rowRuns, packRuns] = await Promise.all([
    Promise.all(runs.map(([a, b]) => tx.objectStore('backups').getAll(IDBKeyRange.bound([card, a], [card, b])))),
    Promise.all(runs.map(([a, b]) => tx.objectStore('packs').getAll(IDBKeyRange.bound([card, a], [card, b])))),
  ]);
  const rows = new Map<number, BackupRow>(rowRuns.flat().map((r) => [r.seq, r]));
  const packs = new Map<number, PackRow>(packRuns.flat().map((p) => [p.seq, p]));
  const record = plan.fields.pageSize + TAG_BYTES;
  const out: ReplayStepData[] = [];
  for (const s of want) {
    const r = rows.get(s.seq);
    if (!r) throw new VaultError('MISSING_BASE', `cannot replay card ${card} seq ${plan.seq}: seq ${s.seq}, a step of the replay, is no longer in the vault`);
    if (r.kind !== s.kind || r.baseSeq !== s.baseSeq || r.pagesCarried !== s.pages) {
      await dropLinks(db, card);
      throw new VaultError('CONFLICT', `cannot replay card ${card} seq ${plan.seq}: seq ${s.seq} is not the backup that was planned (the vault changed since): plan the restore again`);
    }
    const pack = packs.get(s.seq);
    if (!pack) throw new VaultError('CORRUPT', `card ${card} seq ${plan.seq}: the pages stored by seq ${s.seq} are missing`);
    if (pack.pages.length !== s.pages) throw new VaultError('CORRUPT', `card ${card} seq ${s.seq}: its pack holds ${pack.pages.length} pages, it carried ${s.pages}`);
    if (pack.recordBytes !== record || pack.sealed.length !== s.pages * record)
      throw new VaultError('CORRUPT', `card ${card} seq ${s.seq}: its pack holds ${pack.sealed.length} bytes, its ${s.pages} records need ${s.pages * record}`);
    // A step carries its own pack whole; a diff that carried nothing still moves the card's chain on.
    const records = Array.from(pack.pages, (page, i) => ({ page, sealed: pack.sealed.subarray(i * record, (i + 1) * record) }));
    const signature = r.headerSignature ? { headerSignature: r.headerSignature } : {};
    out.push({ seq: s.seq, kind: s.kind, header: r.header, wrappedKey: r.wrappedKey, ...signature, segment: { seq: s.seq, kind: s.kind, records } });
  }
  return out;
}
