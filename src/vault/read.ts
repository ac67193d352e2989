/** Read side: cards, the timeline of a card's backups, single backups. */
import { VaultError } from './errors.ts';
import { cardRange, type BackupRow, type CardRow, type VaultDB } from './schema.ts';
import { headerVersion, V1_NOTE, type ProtocolVersion } from './versions.ts';

export const ZERO_HEX = '0'.repeat(64);

/**
 * How a backup hangs on its chain: `first` (no predecessor: the card's first backup),
 * `linked` (its prevHash names a backup the vault holds or deleted on purpose), `gap`
 * (it names a backup the vault never held). Damage is verify's business, not this one.
 */
export type ChainStatus = 'first' | 'linked' | 'gap';

/** A stored row as the read API hands it out: its page list as a number[] (schema.ts). */
export type BackupRecord = Omit<BackupRow, 'pagesChanged'> & { pagesChanged: number[] };
const asRecord = (r: BackupRow): BackupRecord => (Array.isArray(r.pagesChanged) ? (r as BackupRecord) : { ...r, pagesChanged: Array.from(r.pagesChanged) });

export type TimelineEntry = Omit<BackupRecord, 'header' | 'wrappedKey' | 'headerSignature'> & {
  chain: ChainStatus;
  /** Protocol version of the backup (its header's version byte). */
  version: ProtocolVersion;
  /** For version 1: V1_NOTE. Such a backup is kept and exported, never dropped, but a version-2 card cannot restore it. */
  note?: string;
};

export interface TimelineOptions {
  /** At most this many entries (default: all). */
  limit?: number;
  /** Only backups with seq below this one: the next page after the oldest seq seen. */
  before?: number;
}

export const listCards = (db: VaultDB): Promise<CardRow[]> => db.getAll('cards');

export const getCard = (db: VaultDB, card: string): Promise<CardRow | undefined> => db.get('cards', card);

export async function setLabel(db: VaultDB, card: string, label: string): Promise<void> {
  const tx = db.transaction('cards', 'readwrite');
  const c = await tx.store.get(card);
  if (!c) {
    tx.abort();
    throw new VaultError('NOT_FOUND', `no card ${card} in the vault`);
  }
  await tx.store.put({ ...c, label });
  await tx.done;
}

export const getBackup = async (db: VaultDB, card: string, seq: number): Promise<BackupRecord | undefined> => {
  const r = await db.get('backups', [card, seq]);
  return r && asRecord(r);
};

/** The newest backup of a card; by default only one the card has acknowledged. */
export async function latest(db: VaultDB, card: string, opts: { includeUnconfirmed?: boolean } = {}): Promise<BackupRecord | undefined> {
  const tx = db.transaction('backups');
  for (let c = await tx.store.openCursor(cardRange(card), 'prev'); c; c = await c.continue()) {
    if (opts.includeUnconfirmed || c.value.confirmed) return asRecord(c.value);
  }
  return undefined;
}

type TimelineTx = ReturnType<typeof timelineTx>;
const timelineTx = (db: VaultDB) => db.transaction(['backups', 'tombstones']);

/** A card's backups, newest first, with what changed in each and how it links. */
export async function timeline(db: VaultDB, card: string, opts: TimelineOptions = {}): Promise<TimelineEntry[]> {
  const limit = opts.limit ?? Infinity;
  if (!(limit >= 0)) throw new RangeError(`timeline limit must be >= 0, got ${limit}`);
  if (limit === 0) return [];
  const tx = timelineTx(db);
  const range = cardRange(card, opts.before);
  const store = tx.objectStore('backups');
  const rows = (await store.getAll(limit === Infinity ? range : await newest(tx, range, card, limit, opts.before))).reverse();
  const held = new Set(rows.map((r) => r.headerHash));
  // A predecessor outside this page (the page's oldest row, a gap): looked up by hash, all at once.
  const outside = rows.filter((r) => r.prevHash !== ZERO_HEX && !held.has(r.prevHash));
  const found = await Promise.all(
    outside.map(async (r) => {
      const [b, t] = await Promise.all([tx.objectStore('backups').index('byHash').getKey(r.prevHash), tx.objectStore('tombstones').index('byHash').getKey(r.prevHash)]);
      const k = b ?? t;
      return [r.seq, k !== undefined && k[0] === card && k[1] < r.seq] as const;
    }),
  );
  const linkedOutside = new Map(found);
  return rows.map((r) => {
    const { header: _h, wrappedKey: _w, headerSignature: _s, ...rest } = asRecord(r);
    const version = headerVersion(r.header);
    const chain: ChainStatus = r.prevHash === ZERO_HEX ? 'first' : linkedOutside.get(r.seq) === false ? 'gap' : 'linked';
    return { ...rest, chain, version, ...(version === 1 ? { note: V1_NOTE } : {}) };
  });
}

/**
 * The key range of the newest `limit` rows of `range`: a key cursor moved `limit - 1` back
 * in one request, then one getAll, instead of a value cursor's request per row.
 */
async function newest(tx: TimelineTx, range: IDBKeyRange, card: string, limit: number, before: number | undefined): Promise<IDBKeyRange> {
  const top = await tx.objectStore('backups').openKeyCursor(range, 'prev');
  const last = top && limit > 1 ? await top.advance(limit - 1) : top;
  return last ? IDBKeyRange.bound(last.key, [card, before ?? 0x1_0000_0000], false, true) : range;
}
