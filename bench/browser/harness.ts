/**
 * A small page that drives the vault directly in Chromium, for e2e/vault*.spec.ts: the
 * specs call window.vh.* through page.evaluate, so they test the vault in the browser's
 * own IndexedDB without depending on the app's screens. Card data comes from the same
 * CardModel the unit tests use.
 */
import { openVault, VaultError, type RetentionPolicy, type Vault } from '../../src/vault/index.ts';
import { CardModel } from '../../test/vault/card-model.ts';
import { writeFixtureDb, type OldSchema } from '../../test/vault/fixture-rows.ts';

const models = new Map<string, CardModel>();
const vaults = new Map<string, Vault>();

async function vault(db: string): Promise<Vault> {
  let v = vaults.get(db);
  if (!v) vaults.set(db, (v = await openVault({ name: db })));
  return v;
}

function model(card: string, memorySize: number, seed: number): CardModel {
  let m = models.get(card);
  // Cards of protocol version 2 (signed headers, certificate handed with each backup), as the card now makes them.
  if (!m) models.set(card, (m = new CardModel({ cardNumber: card, memorySize, pageSize: 256, seed, version: 2 })));
  return m;
}

/** Errors cross page.evaluate as plain data: code and message. */
async function outcome<T>(fn: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; code: string; message: string }> {
  try {
    return { ok: true, value: await fn() };
  } catch (e) {
    if (e instanceof VaultError) return { ok: false, code: e.code, message: e.message };
    return { ok: false, code: e instanceof Error ? e.name : 'unknown', message: String(e) };
  }
}

const vh = {
  /** Back up `card` (full or a diff of `pages` random pages) and confirm it, under the card's lock. */
  backup: (db: string, card: string, kind: 'full' | 'diff', pages = 3, memorySize = 65536, seed = 1) =>
    outcome(async () => {
      const v = await vault(db);
      const m = model(card, memorySize, seed);
      return v.withCardLock(card, async () => {
        const b = m.backup(kind, pages);
        await v.commitBackup(b.input);
        await v.confirmBackup(card, b.seq);
        m.complete(b.seq);
        return b.seq;
      });
    }),
  /** Forget the card model's pending diff after a refused backup: the card would not complete it. */
  retention: (db: string, policy: RetentionPolicy, card?: string) =>
    outcome(async () => (await (await vault(db)).retention(policy, card === undefined ? {} : { card })).map((r) => ({ card: r.card, removed: r.remove.map((x) => x.seq), packsCollected: r.packsCollected }))),
  verify: (db: string) => outcome(async () => (await (await vault(db)).verify()).map((f) => `${f.code} card ${f.card} seq ${f.seq ?? '-'}: ${f.message}`)),
  seqs: (db: string, card: string) => outcome(async () => (await (await vault(db)).timeline(card)).map((t) => t.seq)),
  exportFile: (db: string) => outcome(async () => Array.from(await (await vault(db)).exportFile())),
  importFile: (db: string, bytes: number[]) => outcome(async () => (await vault(db)).importFile(Uint8Array.from(bytes))),
  health: (db: string) => outcome(async () => (await vault(db)).storageHealth()),
  /** Every row of every store, as one string: "the vault is unchanged" checks compare it. */
  dump: (db: string) =>
    outcome(async () => {
      const v = await vault(db);
      const out: Record<string, unknown[]> = {};
      for (const name of ['cards', 'backups', 'manifests', 'uses', 'packs', 'tombstones'] as const) out[name] = await v.db.getAll(name);
      return JSON.stringify(out, (_k, x: unknown) => (x instanceof Uint8Array || x instanceof Uint32Array ? Array.from(x).join(',') : x));
    }),
  close: (db: string) => {
    vaults.get(db)?.close();
    vaults.delete(db);
  },
  /** Write raw fixture rows into a database of an older schema, as that schema created it (a migration's starting point). */
  writeFixture: (db: string, version: OldSchema, stores: Record<string, unknown[]>) => writeFixtureDb(indexedDB, db, version, stores),
  open: (db: string) => outcome(async () => (await vault(db)).db.version),
  /** The database's version as stored, read without opening it (so without upgrading it). */
  version: (db: string) => outcome(async () => (await indexedDB.databases()).find((d) => d.name === db)?.version ?? 0),
  /**
   * Crash this renderer at the n-th IndexedDB write request (put, delete, a cursor's update,
   * a store's creation) from now:
   * `window.crashNow` is a Playwright binding that asks the browser to kill the renderer;
   * the page then spins, so the transaction cannot commit before the kill lands.
   */
  killAtWrite: (n: number) => {
    let count = 0;
    // Cursor updates too: the migrations rewrite rows in place through cursors.
    const arm = (proto: object, name: string) => {
      const orig = (proto as Record<string, (...a: unknown[]) => IDBRequest>)[name] as (...a: unknown[]) => IDBRequest;
      (proto as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
        const r = orig.apply(this, args);
        if (++count === n) {
          void (window as unknown as { crashNow: () => Promise<void> }).crashNow();
          const until = Date.now() + 10_000;
          while (Date.now() < until) {
            // hold the main thread: the transaction stays uncommitted until the renderer dies
          }
        }
        return r;
      };
    };
    for (const name of ['put', 'delete', 'add', 'clear']) arm(IDBObjectStore.prototype, name);
    for (const name of ['update', 'delete']) arm(IDBCursor.prototype, name);
    // Schema writes too: migration 4 writes no row, it only creates a store.
    arm(IDBDatabase.prototype, 'createObjectStore');
  },
};

(window as unknown as { vh: typeof vh }).vh = vh;
(document.getElementById('state') as HTMLElement).dataset.ready = 'yes';
