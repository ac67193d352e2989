/**
 * What to send the card to bring back one point. Compacted: the point's header, then
 * each page once, from its newest copy, grouped into one segment per backup seq; the
 * card recomputes the page map from the segments and checks it against the header.
 * Compacted costs one manifest read and one pack read per backup the point's pages come
 * from, and reads no other manifest. Replay (patent claim 15): replay-plan.ts.
 */
import type { Segment } from '../protocol/backup-format.ts';
import { VaultError } from './errors.ts';
import { entryOf, pageCountOf, recordOf, type ManifestEntry } from './manifest.ts';
import { need, pointOf, type PointData } from './plan-point.ts';
import { replayPlan, type ReplayPlan } from './replay-plan.ts';
import type { ManifestRow, PackRow, VaultDB } from './schema.ts';

export type RestoreMode = 'compacted' | 'replay';
export type { PointData } from './plan-point.ts';
export type { ReplayPlan, ReplayStep, ReplayStepData } from './replay-plan.ts';

export interface CompactedPlan extends PointData {
  mode: 'compacted';
  /** Ascending by seq, records ascending by page; every page exactly once. */
  segments: Segment[];
  pages: number;
  sealedBytes: number;
}

export type RestorePlan = CompactedPlan | ReplayPlan;

type ReadTx = ReturnType<typeof readTx>;
const readTx = (db: VaultDB) => db.transaction(['backups', 'manifests', 'packs']);

/** The packs a point's pages come from: one read per distinct source backup. */
async function packsOf(tx: ReadTx, card: string, point: number, seqs: Iterable<number>): Promise<Map<number, PackRow>> {
  const wanted = [...new Set(seqs)];
  const got = await Promise.all(wanted.map((s) => tx.objectStore('packs').get([card, s])));
  const out = new Map<number, PackRow>();
  wanted.forEach((s, i) => {
    const pack = got[i];
    if (!pack) throw new VaultError('CORRUPT', `card ${card} seq ${point}: the pages stored by seq ${s} are missing`);
    out.set(s, pack);
  });
  return out;
}

function segmentsOf(card: string, point: number, entries: ManifestEntry[], packs: Map<number, PackRow>): Segment[] {
  const bySeq = new Map<number, Segment>();
  for (const e of entries) {
    let s = bySeq.get(e.seq);
    if (!s) bySeq.set(e.seq, (s = { seq: e.seq, kind: e.kind, records: [] }));
    const sealed = recordOf(packs.get(e.seq) as PackRow, e.page);
    if (!sealed) throw new VaultError('CORRUPT', `card ${card} seq ${point} page ${e.page}: the copy from seq ${e.seq} is missing from its pack`);
    s.records.push({ page: e.page, sealed });
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

const entriesOf = (m: ManifestRow, pages: Iterable<number>): ManifestEntry[] => [...pages].map((p) => entryOf(m, p));
const allPages = (m: ManifestRow) => Array.from({ length: pageCountOf(m) }, (_, i) => i);
const bytesOf = (segs: Segment[]) => segs.reduce((n, s) => n + s.records.reduce((k, r) => k + r.sealed.length, 0), 0);

export async function restorePlan(db: VaultDB, card: string, seq: number, mode: RestoreMode): Promise<RestorePlan> {
  if (mode === 'replay') return replayPlan(db, card, seq);
  const tx = readTx(db);
  // Both reads at once; a missing backup is named before a missing manifest.
  const manifest = tx.objectStore('manifests').get([card, seq]);
  manifest.catch(() => undefined);
  const row = await need(tx.objectStore('backups').get([card, seq]), 'NOT_FOUND', `card ${card} has no backup seq ${seq}`);
  const point = pointOf(row);
  const m = await need(manifest, 'CORRUPT', `card ${card} seq ${seq}: manifest is missing`);
  const entries = entriesOf(m, allPages(m));
  const segments = segmentsOf(card, seq, entries, await packsOf(tx, card, seq, m.seqs));
  return { ...point, mode, segments, pages: entries.length, sealedBytes: bytesOf(segments) };
}
