/**
 * Demo mode's own small IndexedDB database (apart from the vault): the simulated cards'
 * saved bytes and which card is in the simulated reader, so the demo survives reloads.
 */
import { openDB, type DBSchema, type IDBPDatabase } from 'idb';

export const DEMO_DB = 'icvault-demo';

export interface DemoMeta {
  /** Card number of the card in the simulated reader, or null (lost, none inserted). */
  inReader: string | null;
  /** A card the demo "lost": the replacement's timeline shows its backups. */
  replaced: string | null;
  /** Card numbers the demo issuer has issued, oldest first. */
  issued: string[];
}

interface DemoDB extends DBSchema {
  cards: { key: string; value: Uint8Array };
  meta: { key: string; value: DemoMeta };
}

export class DemoStore {
  private constructor(private readonly db: IDBPDatabase<DemoDB>) {}

  static async open(): Promise<DemoStore> {
    const db = await openDB<DemoDB>(DEMO_DB, 1, {
      upgrade(d) {
        d.createObjectStore('cards');
        d.createObjectStore('meta');
      },
    });
    db.addEventListener('versionchange', () => db.close());
    return new DemoStore(db);
  }

  meta(): Promise<DemoMeta | undefined> {
    return this.db.get('meta', 'demo');
  }

  card(cardNumber: string): Promise<Uint8Array | undefined> {
    return this.db.get('cards', cardNumber);
  }

  /** Card bytes and meta in one transaction: a reload never sees one without the other. */
  async save(meta: DemoMeta, cards: ReadonlyArray<readonly [string, Uint8Array]>): Promise<void> {
    const tx = this.db.transaction(['cards', 'meta'], 'readwrite');
    for (const [n, bytes] of cards) void tx.objectStore('cards').put(bytes, n);
    void tx.objectStore('meta').put(meta, 'demo');
    await tx.done;
  }

  async clear(): Promise<void> {
    const tx = this.db.transaction(['cards', 'meta'], 'readwrite');
    void tx.objectStore('cards').clear();
    void tx.objectStore('meta').clear();
    await tx.done;
  }
}
