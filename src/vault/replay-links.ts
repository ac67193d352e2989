/**
 * How a card's backups link up (seq -> baseSeq, kind, pages carried), kept as ONE derived
 * value per card in `meta` (`replayLinks:<card>`), so a replay plan walks the chain back
 * from the point without reading every backup row of the range.
 *
 * Why (issue 15, measured in Chromium on 1 full + 10,000 diffs): any read that touches
 * every backup costs more than the 50 ms goal on its own: the rows' getAll 90-190 ms, the
 * keys alone (getAllKeys) 24-54 ms, the small `uses` values 68-80 ms; this one value
 * (13 bytes a backup) reads in under 1 ms. It is derived from the backup rows (a row's
 * baseSeq, kind and pagesCarried never change while its key is held), so it needs no
 * schema change: absent or doubtful, it is rebuilt from the rows.
 *
 * When it is trusted: (1) the point's own row (read anyway) agrees with it; (2) a point
 * newer than every seq it knows is appended from the rows above its newest seq, if that
 * newest row is still the one it saw (its header hash: a discarded backup's seq can be
 * used again by the card); (3) every step of the chain is still held, counted per run of
 * consecutive seqs; (4) a base it does not know (an import brought a row back) makes it
 * rebuild before MISSING_BASE is said. The host's step reads check each step's row
 * against the plan again (replay-plan.ts), so a link it got wrong can stop a restore with
 * a plain error but never send a wrong chain.
 */
import { KIND_CODE, type BackupKind } from '../protocol/backup-format.ts';
import { cardRange, type BackupRow, type VaultDB } from './schema.ts';
import { indexInSorted } from './sorted.ts';

export interface Links {
  /** Every held seq of the card, ascending; the other arrays are parallel to it. */
  seqs: Uint32Array;
  bases: Uint32Array;
  pages: Uint32Array;
  /** KIND_CODE of each backup. */
  kinds: Uint8Array;
  /** Header hash of the newest seq in `seqs` ('' when empty). */
  topHash: string;
}

export const linksKey = (card: string): string => `replayLinks:${card}`;

type PlanTx = ReturnType<typeof planTx>;
export const planTx = (db: VaultDB) => db.transaction(['backups', 'meta']);

export function linksOf(rows: readonly BackupRow[], prefix?: Links): Links {
  const n = (prefix?.seqs.length ?? 0) + rows.length;
  const out: Links = { seqs: new Uint32Array(n), bases: new Uint32Array(n), pages: new Uint32Array(n), kinds: new Uint8Array(n), topHash: prefix?.topHash ?? '' };
  let i = 0;
  if (prefix) {
    out.seqs.set(prefix.seqs);
    out.bases.set(prefix.bases);
    out.pages.set(prefix.pages);
    out.kinds.set(prefix.kinds);
    i = prefix.seqs.length;
  }
  for (const r of rows) {
    out.seqs[i] = r.seq;
    out.bases[i] = r.baseSeq;
    out.pages[i] = r.pagesCarried;
    out.kinds[i++] = KIND_CODE[r.kind];
    out.topHash = r.headerHash;
  }
  return out;
}

/** Index of `seq` in the links, or -1. */
export const indexOf = (l: Links, seq: number): number => indexInSorted(l.seqs, seq);

const isLinks = (v: unknown): v is Links =>
  typeof v === 'object' && v !== null && 'seqs' in v && v.seqs instanceof Uint32Array && 'bases' in v && v.bases instanceof Uint32Array && 'pages' in v && v.pages instanceof Uint32Array && 'kinds' in v && v.kinds instanceof Uint8Array && 'topHash' in v && typeof v.topHash === 'string';

const kindOf = (code: number | undefined): BackupKind => (code === KIND_CODE.full ? 'full' : 'diff');

function agrees(l: Links, row: BackupRow): boolean {
  const i = indexOf(l, row.seq);
  return i >= 0 && l.bases[i] === row.baseSeq && l.pages[i] === row.pagesCarried && kindOf(l.kinds[i]) === row.kind;
}

export interface ChainStep {
  seq: number;
  kind: BackupKind;
  baseSeq: number;
  pages: number;
}

/** The chain from the full to `point`, walked back along baseSeq; or the first base not held. */
export function walk(l: Links, point: number): { steps: ChainStep[] } | { missing: number; of: number } {
  const steps: ChainStep[] = [];
  for (let seq = point; ; ) {
    const i = indexOf(l, seq);
    if (i < 0) return { missing: seq, of: steps[steps.length - 1]?.seq ?? point };
    const kind = kindOf(l.kinds[i]);
    const baseSeq = l.bases[i] as number;
    steps.push({ seq, kind, baseSeq, pages: l.pages[i] as number });
    if (kind === 'full') return { steps: steps.reverse() };
    seq = baseSeq;
  }
}

/** Runs [first, last] of consecutive seqs, ascending: a linear stretch of a chain is one range read. */
export function runsOf(steps: readonly { seq: number }[]): [number, number][] {
  const runs: [number, number][] = [];
  for (const s of steps) {
    const last = runs[runs.length - 1];
    if (last && last[1] + 1 === s.seq) last[1] = s.seq;
    else runs.push([s.seq, s.seq]);
  }
  return runs;
}

/** Is every step still held? One count per run of consecutive seqs (a linear chain is one run). */
async function allHeld(tx: PlanTx, card: string, steps: readonly ChainStep[]): Promise<boolean> {
  const runs = runsOf(steps);
  const counts = await Promise.all(runs.map(([a, b]) => tx.objectStore('backups').count(IDBKeyRange.bound([card, a], [card, b]))));
  return runs.every(([a, b], i) => counts[i] === b - a + 1);
}

export interface Walked {
  result: ReturnType<typeof walk>;
  /** The links to keep, when they changed (built or appended). */
  changed: Links | undefined;
}

/** The chain of `point` (whose row is `row`), from the kept links when they can be trusted. */
export async function chainOf(tx: PlanTx, card: string, row: BackupRow, kept: unknown): Promise<Walked> {
  const rebuild = async (): Promise<Walked> => {
    const links = linksOf(await tx.objectStore('backups').getAll(cardRange(card)));
    return { result: walk(links, row.seq), changed: links };
  };
  if (!isLinks(kept)) return rebuild();
  let links = kept;
  let changed: Links | undefined;
  if (!agrees(links, row)) {
    const top = links.seqs[links.seqs.length - 1] ?? 0;
    if (row.seq <= top) return rebuild();
    const [topRow, newer] = await Promise.all([
      top === 0 ? undefined : tx.objectStore('backups').get([card, top]),
      tx.objectStore('backups').getAll(IDBKeyRange.bound([card, top], [card, 0x1_0000_0000], true, true)),
    ]);
    if (top !== 0 && topRow?.headerHash !== links.topHash) return rebuild();
    links = changed = linksOf(newer, links);
    if (!agrees(links, row)) return rebuild();
  }
  const result = walk(links, row.seq);
  if ('missing' in result || !(await allHeld(tx, card, result.steps))) return rebuild();
  return { result, changed };
}

/** Keep the links for the next plan; a refusal (quota) only costs the next plan a rebuild. */
export async function keepLinks(db: VaultDB, card: string, links: Links): Promise<void> {
  try {
    await db.put('meta', links, linksKey(card));
  } catch {
    // derived data: nothing is lost
  }
}

/** Forget the links (a step read found a row that disagrees with them). */
export async function dropLinks(db: VaultDB, card: string): Promise<void> {
  try {
    await db.delete('meta', linksKey(card));
  } catch {
    // the next plan's checks still catch what this would have
  }
}
