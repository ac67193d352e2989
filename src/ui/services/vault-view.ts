/**
 * The vault as the UI sees it: one card's timeline (cached, so a 10,000-row list pages
 * without re-reading), status, structural findings, retention, export and import.
 */
import type { Finding, TimelineEntry as VaultEntry, Vault } from '../../vault/index.ts';
import { requestPersistence } from '../../vault/index.ts';
import type {
  AppKind,
  BackupHealth,
  ImportResult,
  RetentionSettings,
  RetentionReason,
  RetentionResult,
  RetentionRow,
  BackupEntry,
  VaultProblem,
  VaultProblemKind,
  VaultStatus,
} from '../model.ts';

export function entryOf(e: VaultEntry, damaged: ReadonlySet<number>, name: string | null = null, apps: readonly AppKind[] | null = null): BackupEntry {
  const health: BackupHealth = damaged.has(e.seq) ? 'damaged' : !e.confirmed ? 'unconfirmed' : e.chain === 'gap' ? 'broken' : 'ok';
  const entry: BackupEntry = { seq: e.seq, cardNumber: e.cardNumber, date: e.date, kind: e.kind, bytes: e.bytes, pagesChanged: e.pagesChanged.length, health, name, apps };
  return e.version === 1 ? { ...entry, oldProtocol: true } : entry;
}

/**
 * The vault words its retention reasons in English (src/vault/retention-policy.ts); the
 * UI needs codes to translate. Unknown wording passes through as 'other'.
 */
export function reasonOf(text: string): RetentionReason {
  if (text === 'not acknowledged by the card yet') return { code: 'unconfirmed' };
  if (text === 'newest verified point') return { code: 'newest-verified' };
  if (text === 'kept by no rule of the policy') return { code: 'no-rule' };
  const last = /^last (\d+) \(#(\d+)\)$/.exec(text);
  if (last) return { code: 'last', n: Number(last[1]), rank: Number(last[2]) };
  const bucket = /^newest of (day|week|month) (.+)$/.exec(text);
  if (bucket) return { code: 'newest-of', unit: bucket[1] as 'day' | 'week' | 'month', period: bucket[2] ?? '' };
  return { code: 'other', text };
}

const PROBLEM: Record<Finding['code'], VaultProblemKind> = {
  HEADER_HASH: 'hash-mismatch',
  HEADER_UNDECODABLE: 'hash-mismatch',
  HEADER_MISMATCH: 'hash-mismatch',
  HEADER_SIGNATURE: 'hash-mismatch',
  MANIFEST_MISSING: 'missing-blob',
  MANIFEST_SHAPE: 'hash-mismatch',
  PAGE_MAP: 'hash-mismatch',
  PACK_MISSING: 'missing-blob',
  PACK_HASH: 'hash-mismatch',
  PACK_SHAPE: 'missing-blob',
  CHAIN_BROKEN: 'chain-broken',
  CHAIN_GAP: 'chain-broken',
  CARD_HEAD: 'chain-broken',
};

export const problemOf = (f: Finding): VaultProblem => ({ seq: f.seq ?? 0, kind: PROBLEM[f.code], detail: `${f.code}: ${f.message}` });

export class VaultView {
  private cache = new Map<string, VaultEntry[]>();
  /** Seqs the last verify found damaged, shown as such on the timeline. */
  damaged = new Set<number>();
  private persistent: Promise<boolean> | null = null;

  constructor(readonly vault: Vault) {}

  invalidate(): void {
    this.cache.clear();
  }

  /** One card's backups, newest first (cached per card until the next change). */
  async entries(card: string | null): Promise<VaultEntry[]> {
    if (card === null) return [];
    let e = this.cache.get(card);
    if (!e) {
      e = await this.vault.timeline(card);
      this.cache.set(card, e);
    }
    return e;
  }

  async hasBackups(card: string): Promise<boolean> {
    return (await this.vault.latest(card, { includeUnconfirmed: true })) !== undefined;
  }

  async status(): Promise<VaultStatus> {
    this.persistent ??= requestPersistence();
    const cards = await this.vault.listCards();
    const rows = await this.vault.db.getAll('backups');
    return { backups: rows.length, bytes: rows.reduce((n, r) => n + r.bytes, 0), cards: cards.length, persistent: await this.persistent };
  }

  /** Retention's keep/remove table over every card; deletes nothing. */
  async retentionPlan(policy: RetentionSettings): Promise<RetentionResult> {
    const sizes = await this.sizes();
    const reports = await this.vault.retention({ keepLast: policy.keepLast, daily: policy.keepDailyDays }, { dryRun: true });
    const rows: RetentionRow[] = [];
    for (const r of reports) {
      for (const k of r.keep) rows.push({ cardNumber: r.card, seq: k.seq, date: k.date, bytes: sizes.get(`${r.card}:${k.seq}`) ?? 0, action: 'keep', reasons: k.reasons.map(reasonOf) });
      for (const x of r.remove) rows.push({ cardNumber: r.card, seq: x.seq, date: x.date, bytes: sizes.get(`${r.card}:${x.seq}`) ?? 0, action: 'remove', reasons: [reasonOf(x.reason)] });
    }
    rows.sort((a, b) => a.cardNumber.localeCompare(b.cardNumber) || b.seq - a.seq);
    const removed = rows.filter((r) => r.action === 'remove');
    return { dryRun: true, rows, removed: removed.length, freedBytes: removed.reduce((n, r) => n + r.bytes, 0) };
  }

  /** Delete exactly the listed backups (what a plan showed and the holder confirmed). */
  async remove(backups: readonly { cardNumber: string; seq: number }[]): Promise<RetentionResult> {
    const sizes = await this.sizes();
    const byCard = new Map<string, number[]>();
    for (const b of backups) byCard.set(b.cardNumber, [...(byCard.get(b.cardNumber) ?? []), b.seq]);
    for (const [card, seqs] of byCard) await this.vault.deleteBackups(card, seqs, 'retention, confirmed by the cardholder');
    this.invalidate();
    const rows: RetentionRow[] = backups.map((b) => ({ ...b, date: 0, bytes: sizes.get(`${b.cardNumber}:${b.seq}`) ?? 0, action: 'remove', reasons: [] }));
    return { dryRun: false, rows, removed: rows.length, freedBytes: rows.reduce((n, r) => n + r.bytes, 0) };
  }

  private async sizes(): Promise<Map<string, number>> {
    return new Map((await this.vault.db.getAll('backups')).map((r) => [`${r.cardNumber}:${r.seq}`, r.bytes]));
  }

  async exportFile(): Promise<Blob> {
    const bytes = await this.vault.exportFile();
    return new Blob([bytes.slice().buffer], { type: 'application/octet-stream' });
  }

  async importFile(file: Blob): Promise<ImportResult> {
    const r = await this.vault.importFile(new Uint8Array(await file.arrayBuffer()));
    this.invalidate();
    return { backups: r.added + r.alreadyHeld, cards: r.cards };
  }
}
