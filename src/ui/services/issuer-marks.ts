/**
 * What this browser knows the issuer holds (docs/issuer.md, off-device copy): one mark
 * per backup the issuer confirmed storing, in a small IndexedDB database of its own
 * (`icvault-issuer`), so the timeline can say "this device / issuer / both" after a
 * reload. A backup on this device without a mark is not uploaded yet: it is retried on
 * the next chance (a backup, the card read again), so nothing is lost across reloads.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export interface CopyMark {
  cardNumber: string;
  seq: number;
  /** SHA-256 hex of the stored bytes, as the issuer named them. */
  blobHash: string;
  /** When this browser learnt it (ms since 1970). */
  at: number;
  /** What the issuer listed of it, for a timeline row when this device no longer holds it. */
  kind?: 'full' | 'diff';
  /** The backup's date (ms since 1970). */
  date?: number;
  /** Bytes the issuer holds. */
  size?: number;
}

interface MarksDB extends DBSchema {
  copies: { key: [string, number]; value: CopyMark };
}

export const MARKS_DB = 'icvault-issuer';

export class CopyMarks {
  private constructor(
    private readonly db: IDBPDatabase<MarksDB>,
    /** card → seq → mark: read once, kept in step with every write. */
    private readonly cache: Map<string, Map<number, CopyMark>>,
  ) {}

  static async open(name = MARKS_DB): Promise<CopyMarks> {
    const db = await openDB<MarksDB>(name, 1, {
      upgrade(d) {
        d.createObjectStore('copies', { keyPath: ['cardNumber', 'seq'] });
      },
    });
    const cache = new Map<string, Map<number, CopyMark>>();
    for (const m of await db.getAll('copies')) cacheSet(cache, m);
    return new CopyMarks(db, cache);
  }

  get(card: string, seq: number): CopyMark | undefined {
    return this.cache.get(card)?.get(seq);
  }

  has(card: string, seq: number): boolean {
    return this.cache.get(card)?.has(seq) ?? false;
  }

  /** Seqs the issuer holds of this card, ascending. */
  seqs(card: string): number[] {
    return [...(this.cache.get(card)?.keys() ?? [])].sort((a, b) => a - b);
  }

  async put(marks: readonly CopyMark[]): Promise<void> {
    if (marks.length === 0) return;
    const tx = this.db.transaction('copies', 'readwrite');
    await Promise.all([...marks.map((m) => tx.store.put(m)), tx.done]);
    for (const m of marks) cacheSet(this.cache, m);
  }

  close(): void {
    this.db.close();
  }
}

function cacheSet(cache: Map<string, Map<number, CopyMark>>, m: CopyMark): void {
  let card = cache.get(m.cardNumber);
  if (!card) cache.set(m.cardNumber, (card = new Map()));
  card.set(m.seq, m);
}
