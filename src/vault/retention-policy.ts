/**
 * Which backups a retention policy keeps, pure. Like restic's `forget`: keep the last n,
 * and the newest backup of each of the last n days / weeks / months that have backups.
 * Calendar buckets are in UTC so a decision does not depend on the machine's zone.
 * Always kept, whatever the policy: the newest verified point (so there is always
 * something good to restore) and backups the card has not acknowledged yet (the host
 * confirms or discards those).
 */
export interface RetentionPolicy {
  keepLast?: number;
  daily?: number;
  weekly?: number;
  monthly?: number;
}

export interface RetentionCandidate {
  seq: number;
  date: number;
  confirmed: boolean;
}

export interface RetentionDecision {
  keep: { seq: number; date: number; reasons: string[] }[];
  remove: { seq: number; date: number; reason: string }[];
}

const day = (t: number) => new Date(t).toISOString().slice(0, 10);
const month = (t: number) => new Date(t).toISOString().slice(0, 7);

/** ISO 8601 week, e.g. "2024-W01" (weeks start on Monday; week 1 holds the first Thursday). */
export function isoWeek(t: number): string {
  const d = new Date(t);
  const dayNo = (d.getUTCDay() + 6) % 7; // Monday = 0
  const thursday = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() - dayNo + 3);
  const year = new Date(thursday).getUTCFullYear();
  const week = 1 + Math.floor((thursday - Date.UTC(year, 0, 1)) / (7 * 86_400_000));
  return `${year}-W${String(week).padStart(2, '0')}`;
}

function checkPolicy(p: RetentionPolicy): void {
  for (const [k, v] of Object.entries(p)) if (v !== undefined && (!Number.isInteger(v) || v < 0)) throw new RangeError(`retention ${k} must be a whole number >= 0, got ${String(v)}`);
  if (!p.keepLast && !p.daily && !p.weekly && !p.monthly) throw new RangeError('retention policy keeps nothing: give keepLast, daily, weekly or monthly');
}

/** `newestVerified`: seq of the newest acknowledged backup that passed a structural check. */
export function decideRetention(backups: readonly RetentionCandidate[], policy: RetentionPolicy, newestVerified: number | undefined): RetentionDecision {
  checkPolicy(policy);
  const newestFirst = [...backups].sort((a, b) => b.seq - a.seq);
  const reasons = new Map<number, string[]>(newestFirst.map((b) => [b.seq, []]));
  const why = (seq: number, r: string) => reasons.get(seq)?.push(r);
  const settled = newestFirst.filter((b) => b.confirmed);
  for (const b of newestFirst) if (!b.confirmed) why(b.seq, 'not acknowledged by the card yet');
  if (newestVerified !== undefined) why(newestVerified, 'newest verified point');
  settled.slice(0, policy.keepLast ?? 0).forEach((b, i) => why(b.seq, `last ${policy.keepLast} (#${i + 1})`));
  const buckets: [number | undefined, string, (t: number) => string][] = [
    [policy.daily, 'day', day],
    [policy.weekly, 'week', isoWeek],
    [policy.monthly, 'month', month],
  ];
  for (const [n, name, key] of buckets) {
    const seen = new Set<string>();
    for (const b of settled) {
      if (seen.size >= (n ?? 0)) break;
      const k = key(b.date);
      if (seen.has(k)) continue;
      seen.add(k);
      why(b.seq, `newest of ${name} ${k}`);
    }
  }
  const out: RetentionDecision = { keep: [], remove: [] };
  for (const b of newestFirst) {
    const r = reasons.get(b.seq) ?? [];
    if (r.length > 0) out.keep.push({ seq: b.seq, date: b.date, reasons: r });
    else out.remove.push({ seq: b.seq, date: b.date, reason: 'kept by no rule of the policy' });
  }
  return out;
}
