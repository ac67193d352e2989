/**
 * What to send the card to bring back one point. Compacted: the point's header, then
 * each page once, from its newest copy, grouped into one segment per backup seq; the
 * card recomputes the page map from the segments and checks it against the header.
 * Replay (patent claim 15): the full the point descends from, then every diff in seq
 * order, each with the records it carried. Compacted costs one manifest read and one
 * read per distinct blob, whatever the length of the chain.
 */
import { decodeHeader, type BackupHeader, type BackupKind, type Segment } from '../protocol/backup-format.ts';
import { VaultError } from './errors.ts';
import { shortHash } from './hash.ts';
import { entryOf, pageCountOf, type ManifestEntry } from './manifest.ts';
import type { BackupRow, ManifestRow, VaultDB } from './schema.ts';

export type RestoreMode = 'compacted' | 'replay';

interface PointData {
  cardNumber: string;
  seq: number;
  /** 126-byte header of the point, as the card made it. */
  header: Uint8Array;
  fields: BackupHeader;
  wrappedKey: Uint8Array;
  confirmed: boolean;
}

export interface CompactedPlan extends PointData {
  mode: 'compacted';
  /** Ascending by seq, records ascending by page; every page exactly once. */
  segments: Segment[];
  pages: number;
  sealedBytes: number;
}

export interface ReplayStep {
  seq: number;
  kind: BackupKind;
  header: Uint8Array;
  wrappedKey: Uint8Array;
  /** The records this backup carried, as one segment. */
  segment: Segment;
}

export interface ReplayPlan extends PointData {
  mode: 'replay';
  /** The full first, then each diff in seq order, ending with the point itself. */
  steps: ReplayStep[];
  sealedBytes: number;
}

export type RestorePlan = CompactedPlan | ReplayPlan;

type ReadTx = ReturnType<typeof readTx>;
const readTx = (db: VaultDB) => db.transaction(['backups', 'manifests', 'blobs']);

async function need<T>(v: Promise<T | undefined>, code: 'NOT_FOUND' | 'MISSING_BASE' | 'CORRUPT', msg: string): Promise<T> {
  const got = await v;
  if (got === undefined) throw new VaultError(code, msg);
  return got;
}

function fieldsOf(row: BackupRow): BackupHeader {
  const h = decodeHeader(row.header);
  if (!h.ok) throw new VaultError('CORRUPT', `card ${row.cardNumber} seq ${row.seq}: stored header does not decode: ${h.error.message}`, { cause: h.error });
  return h.value;
}

/** Sealed bytes of some manifest entries, read once per distinct blob. */
async function sealedOf(tx: ReadTx, card: string, point: number, entries: ManifestEntry[]): Promise<Map<string, Uint8Array>> {
  const blobs = tx.objectStore('blobs');
  const distinct = [...new Map(entries.map((e) => [e.hash, e])).values()];
  const got = await Promise.all(distinct.map((e) => blobs.get(e.hash)));
  const out = new Map<string, Uint8Array>();
  distinct.forEach((e, i) => {
    const b = got[i];
    if (!b) throw new VaultError('CORRUPT', `card ${card} seq ${point} page ${e.page}: blob ${shortHash(e.hash)} (copy from seq ${e.seq}) is missing`);
    out.set(e.hash, b.sealed);
  });
  return out;
}

function segmentsOf(entries: ManifestEntry[], sealed: Map<string, Uint8Array>): Segment[] {
  const bySeq = new Map<number, Segment>();
  for (const e of entries) {
    let s = bySeq.get(e.seq);
    if (!s) bySeq.set(e.seq, (s = { seq: e.seq, kind: e.kind, records: [] }));
    s.records.push({ page: e.page, sealed: sealed.get(e.hash) as Uint8Array });
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

const entriesOf = (m: ManifestRow, pages: Iterable<number>): ManifestEntry[] => [...pages].map((p) => entryOf(m, p));
const allPages = (m: ManifestRow) => Array.from({ length: pageCountOf(m) }, (_, i) => i);
const bytesOf = (segs: Segment[]) => segs.reduce((n, s) => n + s.records.reduce((k, r) => k + r.sealed.length, 0), 0);

export async function restorePlan(db: VaultDB, card: string, seq: number, mode: RestoreMode): Promise<RestorePlan> {
  const tx = readTx(db);
  const row = await need(tx.objectStore('backups').get([card, seq]), 'NOT_FOUND', `card ${card} has no backup seq ${seq}`);
  const point: PointData = { cardNumber: card, seq, header: row.header, fields: fieldsOf(row), wrappedKey: row.wrappedKey, confirmed: row.confirmed };
  if (mode === 'compacted') {
    const m = await need(tx.objectStore('manifests').get([card, seq]), 'CORRUPT', `card ${card} seq ${seq}: manifest is missing`);
    const entries = entriesOf(m, allPages(m));
    const segments = segmentsOf(entries, await sealedOf(tx, card, seq, entries));
    return { ...point, mode, segments, pages: entries.length, sealedBytes: bytesOf(segments) };
  }
  // Walk back along baseSeq to the full, then replay forwards.
  const rows: BackupRow[] = [row];
  for (let r = row; r.kind === 'diff'; ) {
    r = await need(
      tx.objectStore('backups').get([card, r.baseSeq]),
      'MISSING_BASE',
      `cannot replay card ${card} seq ${seq}: seq ${r.baseSeq}, the base of seq ${r.seq}, is not in the vault (a compacted restore does not need it)`,
    );
    rows.push(r);
  }
  rows.reverse();
  const steps: ReplayStep[] = [];
  for (const r of rows) {
    const m = await need(tx.objectStore('manifests').get([card, r.seq]), 'CORRUPT', `card ${card} seq ${r.seq}: manifest is missing`);
    const entries = entriesOf(m, r.pagesChanged);
    // A diff that carried nothing is still a step: its header moves the card's chain on.
    const segment = segmentsOf(entries, await sealedOf(tx, card, r.seq, entries))[0] ?? { seq: r.seq, kind: r.kind, records: [] };
    if (segment.seq !== r.seq) throw new VaultError('CORRUPT', `card ${card} seq ${r.seq}: manifest does not hold the pages this backup carried`);
    steps.push({ seq: r.seq, kind: r.kind, header: r.header, wrappedKey: r.wrappedKey, segment });
  }
  return { ...point, mode, steps, sealedBytes: bytesOf(steps.map((s) => s.segment)) };
}
