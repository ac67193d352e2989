/**
 * The record of what verify read and when. A partial run leaves one `checks` row per pack
 * it read; a whole run, which reads every pack, leaves ONE value per card in `meta`
 * (when, and which packs failed) instead of a row per pack: writing 1,000 rows cost a
 * whole verify of 1,000 backups more than hashing their packs. A pack's last check is the
 * newer of its own row and its card's whole-run record.
 */
import type { CheckRow, VaultDB } from './schema.ts';

export interface WholeCheck {
  checkedAt: number;
  /** Packs (by seq) whose read found damage in that run. */
  failed: number[];
}

export interface LastCheck {
  checkedAt: number;
  ok: boolean;
}

export const wholeCheckKey = (card: string): string => `wholeCheck:${card}`;

const isWholeCheck = (v: unknown): v is WholeCheck =>
  typeof v === 'object' && v !== null && typeof (v as WholeCheck).checkedAt === 'number' && Array.isArray((v as WholeCheck).failed);

/** The meta value read back, or undefined if absent or not a whole-run record. */
export const asWholeCheck = (v: unknown): WholeCheck | undefined => (isWholeCheck(v) ? v : undefined);

/** Each pack's last check, from its own rows and the card's whole-run record. */
export function lastChecks(rows: readonly CheckRow[], whole: WholeCheck | undefined): (seq: number) => LastCheck | undefined {
  const bySeq = new Map(rows.map((r) => [r.seq, r]));
  const failed = new Set(whole?.failed ?? []);
  return (seq) => {
    const own = bySeq.get(seq);
    if (own && (!whole || own.checkedAt >= whole.checkedAt)) return { checkedAt: own.checkedAt, ok: own.ok };
    if (whole) return { checkedAt: whole.checkedAt, ok: !failed.has(seq) };
    return undefined;
  };
}

/** Record a run: a whole run as one value, a partial run as a row per pack read. Relaxed: a lost record only means a pack is read again. */
export async function recordChecks(db: VaultDB, card: string, records: CheckRow[], whole: boolean, checkedAt: number): Promise<void> {
  if (records.length === 0) return;
  const tx = db.transaction(['checks', 'meta'], 'readwrite', { durability: 'relaxed' });
  if (whole) {
    const value: WholeCheck = { checkedAt, failed: records.filter((r) => !r.ok).map((r) => r.seq) };
    void tx.objectStore('meta').put(value, wholeCheckKey(card)).catch(() => undefined);
  } else for (const r of records) void tx.objectStore('checks').put(r).catch(() => undefined);
  await tx.done.catch(() => undefined);
}
