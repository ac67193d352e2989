/**
 * The vault as the UI sees it: one card's timeline (cached, so a 10,000-row list pages
 * without re-reading), status, structural findings, retention, export and import.
 */
import type { Finding, TimelineEntry as VaultEntry, Vault } from '../../vault/index.ts';
import { requestPersistence } from '../../vault/index.ts';
import type { ChainStatus, ImportResult, RetentionPolicy, RetentionResult, TimelineEntry, VaultProblem, VaultProblemKind, VaultStatus } from '../model.ts';

export function entryOf(e: VaultEntry, damaged: ReadonlySet<number>): TimelineEntry {
  const chain: ChainStatus = damaged.has(e.seq) ? 'damaged' : !e.confirmed ? 'unconfirmed' : e.chain === 'gap' ? 'broken' : 'ok';
  return { seq: e.seq, cardNumber: e.cardNumber, date: e.date, kind: e.kind, bytes: e.bytes, pagesChanged: e.pagesChanged.length, chain };
}

const PROBLEM: Record<Finding['code'], VaultProblemKind> = {
  HEADER_HASH: 'hash-mismatch',
  HEADER_UNDECODABLE: 'hash-mismatch',
  HEADER_MISMATCH: 'hash-mismatch',
  MANIFEST_MISSING: 'missing-blob',
  MANIFEST_SHAPE: 'hash-mismatch',
  PAGE_MAP: 'hash-mismatch',
  BLOB_MISSING: 'missing-blob',
  BLOB_HASH: 'hash-mismatch',
  CHAIN_BROKEN: 'chain-broken',
  CHAIN_GAP: 'chain-broken',
  CARD_HEAD: 'chain-broken',
};

export const problemOf = (f: Finding): VaultProblem => ({ seq: f.seq ?? 0, kind: PROBLEM[f.code], detail: `${f.code}: ${f.message}` });

export class VaultView {
  private cache: { card: string; entries: VaultEntry[] } | null = null;
  /** Seqs the last verify found damaged, shown as such on the timeline. */
  damaged = new Set<number>();
  private persistent: Promise<boolean> | null = null;

  constructor(readonly vault: Vault) {}

  invalidate(): void {
    this.cache = null;
  }

  async entries(card: string | null): Promise<VaultEntry[]> {
    if (card === null) return [];
    if (this.cache?.card !== card) this.cache = { card, entries: await this.vault.timeline(card) };
    return this.cache.entries;
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

  async retention(policy: RetentionPolicy, dryRun: boolean): Promise<RetentionResult> {
    // Sizes first: after a real run the removed rows are gone.
    const sizes = new Map((await this.vault.db.getAll('backups')).map((r) => [`${r.cardNumber}:${r.seq}`, r.bytes]));
    const reports = await this.vault.retention({ keepLast: policy.keepLast, daily: policy.keepDailyDays }, { dryRun });
    if (!dryRun) this.invalidate();
    const removed = reports.flatMap((r) => r.remove.map((x) => ({ card: r.card, seq: x.seq })));
    return {
      dryRun,
      removedSeqs: removed.map((x) => x.seq),
      kept: reports.reduce((n, r) => n + r.keep.length, 0),
      freedBytes: removed.reduce((n, x) => n + (sizes.get(`${x.card}:${x.seq}`) ?? 0), 0),
    };
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
