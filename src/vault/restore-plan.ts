/**
 * What to send the card to bring back one point. Compacted: the point's header, then
 * each page once, from its newest copy, grouped into one segment per backup seq; the
 * card recomputes the page map from the segments and checks it against the header.
 * Replay (patent claim 15): the full the point descends from, then every diff in seq
 * order, each with the records it carried. Compacted costs one manifest read and one
 * pack read per backup the point's pages come from; replay one range read of the rows
 * and one pack read per step. Neither reads another step's manifest.
 */
import type { BackupKind, Segment } from '../protocol/backup-format.ts';
import { VaultError } from './errors.ts';
import { entryOf, pageCountOf, recordOf, type ManifestEntry } from './manifest.ts';
import type { BackupRow, ManifestRow, PackRow, VaultDB } from './schema.ts';
import { decodeStoredHeader, V1_NOTE, type ProtocolVersion, type StoredHeader } from './versions.ts';

export type RestoreMode = 'compacted' | 'replay';

interface PointData {
  cardNumber: string;
  seq: number;
  /** 126-byte header of the point, as the card made it. */
  header: Uint8Array;
  fields: StoredHeader;
  wrappedKey: Uint8Array;
  /** The card's signature over the header (protocol version 2): the card checks it on RESTORE. */
  headerSignature?: Uint8Array;
  /** Protocol version of the backup; version 1 cannot be restored into a version-2 card. */
  version: ProtocolVersion;
  /** Set for version 1: V1_NOTE, for the host to show instead of sending it to a version-2 card. */
  note?: string;
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
  headerSignature?: Uint8Array;
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
const readTx = (db: VaultDB) => db.transaction(['backups', 'manifests', 'packs']);

async function need<T>(v: Promise<T | undefined>, code: 'NOT_FOUND' | 'MISSING_BASE' | 'CORRUPT', msg: string): Promise<T> {
  const got = await v;
  if (got === undefined) throw new VaultError(code, msg);
  return got;
}

function fieldsOf(row: BackupRow): StoredHeader {
  const h = decodeStoredHeader(row.header);
  if (!h.ok) throw new VaultError('CORRUPT', `card ${row.cardNumber} seq ${row.seq}: stored header does not decode: ${h.error.message}`, { cause: h.error });
  return h.value;
}

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
  const tx = readTx(db);
  const row = await need(tx.objectStore('backups').get([card, seq]), 'NOT_FOUND', `card ${card} has no backup seq ${seq}`);
  const fields = fieldsOf(row);
  const point: PointData = {
    cardNumber: card,
    seq,
    header: row.header,
    fields,
    wrappedKey: row.wrappedKey,
    ...(row.headerSignature ? { headerSignature: row.headerSignature } : {}),
    version: fields.version,
    ...(fields.version === 1 ? { note: V1_NOTE } : {}),
    confirmed: row.confirmed,
  };
  if (mode === 'compacted') {
    const m = await need(tx.objectStore('manifests').get([card, seq]), 'CORRUPT', `card ${card} seq ${seq}: manifest is missing`);
    const entries = entriesOf(m, allPages(m));
    const segments = segmentsOf(card, seq, entries, await packsOf(tx, card, seq, m.seqs));
    return { ...point, mode, segments, pages: entries.length, sealedBytes: bytesOf(segments) };
  }
  // Walk back along baseSeq to the full, then replay forwards. The chain's rows come in
  // one range read (they lie between the full and the point), not one read per step.
  const range = IDBKeyRange.bound([card, 0], [card, seq]);
  const held = new Map((await tx.objectStore('backups').getAll(range)).map((r) => [r.seq, r]));
  const rows: BackupRow[] = [row];
  for (let r = row; r.kind === 'diff'; ) {
    const base = held.get(r.baseSeq);
    if (!base)
      throw new VaultError('MISSING_BASE', `cannot replay card ${card} seq ${seq}: seq ${r.baseSeq}, the base of seq ${r.seq}, is not in the vault (a compacted restore does not need it)`);
    rows.push((r = base));
  }
  rows.reverse();
  // The steps' packs in one range read too (a replay of 10,000 diffs is one request, not 10,001).
  const first = (rows[0] as BackupRow).seq;
  const packs = new Map((await tx.objectStore('packs').getAll(IDBKeyRange.bound([card, first], [card, seq]))).map((p) => [p.seq, p]));
  for (const r of rows) if (!packs.has(r.seq)) throw new VaultError('CORRUPT', `card ${card} seq ${seq}: the pages stored by seq ${r.seq} are missing`);
  const steps: ReplayStep[] = rows.map((r) => {
    // A step carries its own pack whole; a diff that carried nothing still moves the card's chain on.
    const pack = packs.get(r.seq) as PackRow;
    const records = Array.from(pack.pages, (page, i) => ({ page, sealed: pack.sealed.subarray(i * pack.recordBytes, (i + 1) * pack.recordBytes) }));
    if (records.length !== r.pagesCarried) throw new VaultError('CORRUPT', `card ${card} seq ${r.seq}: its pack holds ${records.length} pages, it carried ${r.pagesCarried}`);
    const signature = r.headerSignature ? { headerSignature: r.headerSignature } : {};
    return { seq: r.seq, kind: r.kind, header: r.header, wrappedKey: r.wrappedKey, ...signature, segment: { seq: r.seq, kind: r.kind, records } };
  });
  return { ...point, mode, steps, sealedBytes: bytesOf(steps.map((s) => s.segment)) };
}
