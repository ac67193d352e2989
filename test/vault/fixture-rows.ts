/**
 * Vault fixture rows (test/fixtures/vault-v*: raw stores written by the make-v*-fixture.ts
 * scripts, bytes as {$u8: hex}, page lists as {$u32: [...]}) and the databases the older
 * schemas created, for the migration tests in Node and the renderer kills in Chromium
 * (bench/browser/harness.ts). No Node or test-runner APIs here.
 */
import { fromHex } from '../../src/protocol/bytes.ts';

/** A stored row as a fixture holds it: typed arrays as tagged JSON. */
export const toFixtureRow = (x: unknown): unknown => {
  if (x instanceof Uint8Array) return { $u8: Array.from(x, (b) => b.toString(16).padStart(2, '0')).join('') };
  if (x instanceof Uint32Array) return { $u32: Array.from(x) };
  if (Array.isArray(x)) return x.map(toFixtureRow);
  if (typeof x === 'object' && x !== null) return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, toFixtureRow(v)]));
  return x;
};

/** A stored row as the fixture wrote it, back to its Uint8Arrays and Uint32Arrays. */
export const fixtureRow = (x: unknown): unknown => {
  if (Array.isArray(x)) return x.map(fixtureRow);
  if (typeof x === 'object' && x !== null) {
    const o = x as Record<string, unknown>;
    if (typeof o.$u8 === 'string') return fromHex(o.$u8);
    if (Array.isArray(o.$u32)) return Uint32Array.from(o.$u32 as number[]);
    return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, fixtureRow(v)]));
  }
  return x;
};

/** One IndexedDB request as a promise. */
export const idbRequest = <T>(r: IDBRequest<T>) => new Promise<T>((ok, no) => ((r.onsuccess = () => ok(r.result)), (r.onerror = () => no(r.error))));

/** The schemas a fixture can come from: the ones before the current (src/vault/schema.ts). */
export type OldSchema = 1 | 2 | 3;

/** The stores and indexes schema `version` had, created as its code created them. */
function createStoresOf(db: IDBDatabase, version: OldSchema): void {
  db.createObjectStore('cards', { keyPath: 'cardNumber' });
  db.createObjectStore('backups', { keyPath: ['cardNumber', 'seq'] }).createIndex('byHash', 'headerHash', { unique: false });
  db.createObjectStore('manifests', { keyPath: ['cardNumber', 'seq'] });
  // schema 1: one blob per sealed page (gone in 2)
  if (version === 1) db.createObjectStore('blobs', { keyPath: 'hash' });
  db.createObjectStore('tombstones', { keyPath: ['cardNumber', 'seq'] }).createIndex('byHash', 'headerHash', { unique: false });
  db.createObjectStore('meta');
  if (version === 1) return;
  db.createObjectStore('packs', { keyPath: ['cardNumber', 'seq'] });
  db.createObjectStore('checks', { keyPath: ['cardNumber', 'seq'] });
  const uses = db.createObjectStore('uses', { keyPath: ['cardNumber', 'seq'] });
  // schema 2: every (point, pack) pair an index entry (gone in 3)
  if (version === 2) uses.createIndex('byPack', 'packs', { unique: false, multiEntry: true });
}

/** Write a fixture's rows into database `name`, created at schema `version` as that schema's code created it. */
export async function writeFixtureDb(factory: IDBFactory, name: string, version: OldSchema, stores: Record<string, unknown[]>): Promise<void> {
  const open = factory.open(name, version);
  open.onupgradeneeded = () => createStoresOf(open.result, version);
  const db = await idbRequest(open);
  const tx = db.transaction(Object.keys(stores), 'readwrite');
  for (const [store, rows] of Object.entries(stores)) for (const row of rows) tx.objectStore(store).put(fixtureRow(row));
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
}
