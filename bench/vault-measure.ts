// Vault measurements shared by the Node run and the Chromium run (bench/browser/main.ts,
// the browser's own IndexedDB): the same code, so the two engines' figures compare like
// with like. Every figure is paired with the raw IndexedDB request(s) of the same bytes,
// made in the same page and run, so the ratio says what the vault adds over the engine.
// No Node or DOM APIs here.
import { openDB, type IDBPDatabase } from 'idb';
import { concat } from '../src/protocol/bytes.ts';
import type { Vault } from '../src/vault/index.ts';
import { CardModel } from '../test/vault/card-model.ts';

/** Protocol version of the measured backups: 2 (signed headers, checked on commit, verify and import), as cards now make them. */
export const VERSION = 2;

export const ms = (t0: number) => performance.now() - t0;
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

export async function timed<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const xs: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    value = await fn();
    xs.push(ms(t0));
  }
  return { ms: median(xs), value: value as T };
}

export interface Engine {
  openVault(name: string): Promise<Vault>;
  deleteDatabase(name: string): Promise<void>;
  /** SHA-256 as the vault's verify does it (WebCrypto in the browser). */
  digest(b: Uint8Array): Promise<unknown>;
}

const rawDb = (name: string) => openDB(name, 1, { upgrade: (db) => db.createObjectStore('raw') });

/** One vault figure against its raw request: vault ms, raw ms, ratio. */
export interface Ratio {
  vaultMs: number;
  rawMs: number;
  ratio: number;
}
export const ratio = (vaultMs: number, rawMs: number): Ratio => ({ vaultMs, rawMs, ratio: vaultMs / rawMs });

let unique = 0;
export const fresh = (what: string) => `bench-${what}-${Date.now()}-${unique++}`;

/** A full backup of a card of `memorySize` bytes through the vault, against one raw put of the same bytes. */
export async function storeFull(e: Engine, memorySize: number, runs: number): Promise<Ratio & { bytes: number; pages: number }> {
  const vaultMs: number[] = [];
  const rawMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const card = new CardModel({ memorySize, pageSize: 256, seed: i + 1, version: VERSION });
    const b = card.backup('full');
    const vn = fresh('full');
    const v = await e.openVault(vn);
    let t0 = performance.now();
    bytes = (await v.commitBackup(b.input)).bytes;
    vaultMs.push(ms(t0));
    v.close();
    const rn = fresh('raw');
    const raw = await rawDb(rn);
    const payload = concat(b.input.wrappedKey, b.input.header, b.input.headerSignature ?? new Uint8Array(0), ...b.records.map((r) => r.sealed));
    t0 = performance.now();
    await raw.put('raw', payload, 1);
    rawMs.push(ms(t0));
    raw.close();
    await e.deleteDatabase(vn);
    await e.deleteDatabase(rn);
  }
  return { ...ratio(median(vaultMs), median(rawMs)), bytes, pages: memorySize / 256 };
}

/** A diff carrying 5% of a 1 MiB card's pages, against one raw put of the same bytes. */
export async function storeDiff(e: Engine, runs: number): Promise<Ratio & { pages: number }> {
  const vaultMs: number[] = [];
  const rawMs: number[] = [];
  let pages = 0;
  for (let i = 0; i < runs; i++) {
    const card = new CardModel({ memorySize: 1 << 20, pageSize: 256, seed: 40 + i, version: VERSION });
    const vn = fresh('diff');
    const v = await e.openVault(vn);
    await v.commitBackup(card.next('full').input);
    const d = card.next('diff', Math.round(card.pageCount * 0.05));
    pages = d.records.length;
    let t0 = performance.now();
    await v.commitBackup(d.input);
    vaultMs.push(ms(t0));
    v.close();
    const rn = fresh('raw');
    const raw = await rawDb(rn);
    const payload = concat(d.input.wrappedKey, d.input.header, d.input.headerSignature ?? new Uint8Array(0), ...d.records.map((r) => r.sealed));
    t0 = performance.now();
    await raw.put('raw', payload, 1);
    rawMs.push(ms(t0));
    raw.close();
    await e.deleteDatabase(vn);
    await e.deleteDatabase(rn);
  }
  return { ...ratio(median(vaultMs), median(rawMs)), pages };
}

/** A chain of 1 full + (n - 1) diffs of `perDiff` pages, committed and confirmed. */
export async function chain(v: Vault, card: CardModel, n: number, perDiff: number): Promise<number> {
  const t0 = performance.now();
  const f = card.next('full');
  await v.commitBackup(f.input);
  await v.confirmBackup(f.card, f.seq);
  for (let i = 1; i < n; i++) {
    const b = card.next('diff', perDiff);
    await v.commitBackup(b.input);
    await v.confirmBackup(b.card, b.seq);
  }
  return ms(t0);
}

/** Raw: every value of a store read back in one getAll, as the floor for reading it all. */
async function rawReadAll(db: IDBPDatabase, hash?: (b: Uint8Array) => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  const all = (await db.getAll('raw')) as Uint8Array[];
  if (hash) for (const b of all) await hash(b);
  return ms(t0);
}

/** The bytes of every pack in a vault, for the raw floor of reading them all. */
async function packBytes(v: Vault): Promise<Uint8Array[]> {
  return (await v.db.getAll('packs')).map((p) => p.sealed);
}

async function rawStoreOf(values: Uint8Array[]): Promise<{ db: IDBPDatabase; name: string }> {
  const name = fresh('raw');
  const db = await rawDb(name);
  const tx = db.transaction('raw', 'readwrite');
  values.forEach((b, i) => void tx.store.put(b, i));
  await tx.done;
  return { db, name };
}

/** Verify of n backups (64 KiB card, 5% diffs) against a raw read of the same bytes plus one hash each. */
export async function verifyMany(e: Engine, n: number, version: 1 | 2 = VERSION) {
  const vn = fresh('verify');
  const v = await e.openVault(vn);
  const card = new CardModel({ memorySize: 65536, pageSize: 256, seed: 9, version });
  await chain(v, card, n, 13);
  const full = await timed(5, () => v.verify());
  // The same with one Ed25519 check per header instead of the signed chain's anchors (signed-chain.ts).
  const every = await timed(5, () => v.verify({ signatures: 'every' }));
  const partial = await timed(3, () => v.verify({ maxPacks: Math.ceil(n / 10) }));
  const raw = await rawStoreOf(await packBytes(v));
  const rawRuns: number[] = [];
  for (let i = 0; i < 5; i++) rawRuns.push(await rawReadAll(raw.db, e.digest));
  const rawMs = median(rawRuns);
  raw.db.close();
  v.close();
  await e.deleteDatabase(vn);
  await e.deleteDatabase(raw.name);
  return { backups: n, version, findings: full.value.length + every.value.length, ...ratio(full.ms, rawMs), everySignature: ratio(every.ms, rawMs), partialTenthMs: partial.ms };
}

/** Export and import of n backups (64 KiB card, 5% diffs) against a raw read and a raw put of the file's bytes. */
export async function exportImport(e: Engine, n: number) {
  const vn = fresh('export');
  const v = await e.openVault(vn);
  const card = new CardModel({ memorySize: 65536, pageSize: 256, seed: 11, version: VERSION });
  await chain(v, card, n, 13);
  const exp = await timed(7, () => v.exportFile());
  const file = exp.value;
  const raw = await rawStoreOf([file]);
  const reads: number[] = [];
  for (let i = 0; i < 7; i++) reads.push(await rawReadAll(raw.db));
  const rawRead = median(reads);
  const puts: number[] = [];
  for (let i = 0; i < 7; i++) {
    const t0 = performance.now();
    await raw.db.put('raw', file, 100 + i);
    puts.push(ms(t0));
  }
  const imports: number[] = [];
  for (let i = 0; i < 7; i++) {
    const wn = fresh('import');
    const w = await e.openVault(wn);
    const t0 = performance.now();
    await w.importFile(file);
    imports.push(ms(t0));
    w.close();
    await e.deleteDatabase(wn);
  }
  raw.db.close();
  v.close();
  await e.deleteDatabase(vn);
  await e.deleteDatabase(raw.name);
  return { backups: n, fileBytes: file.length, export: ratio(exp.ms, rawRead), import: ratio(median(imports), median(puts)) };
}

/** Kept for the app bench (bench/entries/app.ts): a 1 MiB full backup against one raw put. */
export async function storeOneMiB(runs: number, openVaultNamed: (name: string) => Promise<Vault>, factory?: IDBFactory) {
  const del = (name: string) =>
    new Promise<void>((res) => {
      const r = (factory ?? indexedDB).deleteDatabase(name);
      r.onsuccess = () => res();
      r.onerror = () => res();
    });
  const r = await storeFull({ openVault: openVaultNamed, deleteDatabase: del, digest: () => Promise.resolve() }, 1 << 20, runs);
  return { bytes: r.bytes, pages: r.pages, vaultMs: r.vaultMs, rawPutMs: r.rawMs, runs };
}
