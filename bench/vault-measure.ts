// Vault measurements shared by the Node run and the Chromium run (bench/browser/main.ts,
// the browser's own IndexedDB): the same code, so the two engines' figures compare like
// with like. Every figure is paired with the raw IndexedDB request(s) of the same bytes,
// made in the same page and run, so the ratio says what the vault adds over the engine.
// No Node or DOM APIs here.
import { openDB, unwrap, type IDBPDatabase } from 'idb';
import { concat } from '../src/protocol/bytes.ts';
import { decodeCardCertificate, headerSignatureMessage } from '../src/protocol/trust/index.ts';
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
  /**
   * Ed25519 checks of `items` under one public key, all at once, as bare WebCrypto calls
   * (the key imported before the clock starts): the floor of checking every header's card
   * signature. Absent where the engine has no WebCrypto Ed25519.
   */
  verifyEd25519?(publicKey: Uint8Array, items: { signature: Uint8Array; message: Uint8Array }[]): Promise<() => Promise<boolean[]>>;
}

const rawDb = (name: string, more: string[] = []) =>
  openDB(name, 1, {
    upgrade: (db) => {
      db.createObjectStore('raw');
      for (const m of more) db.createObjectStore(m);
    },
  });

/** One vault figure against its raw request: vault ms, raw ms, ratio. */
export interface Ratio {
  vaultMs: number;
  rawMs: number;
  ratio: number;
}
export const ratio = (vaultMs: number, rawMs: number): Ratio => ({ vaultMs, rawMs, ratio: vaultMs / rawMs });

let unique = 0;
export const fresh = (what: string) => `bench-${what}-${Date.now()}-${unique++}`;

/**
 * A full backup of a card of `memorySize` bytes through the vault, against one raw put of
 * the same bytes. `floor`: in the same run, what any store that keeps a SHA-256 with the
 * records must do: copy the records (they arrive one by one) into one buffer and put it,
 * and hash it while the engine stores it (the hash put beside it, the transaction held
 * open until it is in), as the vault's commit does since schema 4. The vault and the raw
 * put take turns going first: whichever runs right after the previous run's databases
 * were deleted was measured up to 15% slower at 8 MiB.
 */
export async function storeFull(e: Engine, memorySize: number, runs: number): Promise<Ratio & { bytes: number; pages: number; floor: Ratio }> {
  const vaultMs: number[] = [];
  const rawMs: number[] = [];
  const floorMs: number[] = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const card = new CardModel({ memorySize, pageSize: 256, seed: i + 1, version: VERSION });
    const b = card.backup('full');
    const vn = fresh('full');
    const rn = fresh('raw');
    const viaVault = async () => {
      const v = await e.openVault(vn);
      const t0 = performance.now();
      bytes = (await v.commitBackup(b.input)).bytes;
      vaultMs.push(ms(t0));
      v.close();
    };
    const raw = await rawDb(rn, ['hash']);
    const viaRaw = async () => {
      const payload = concat(b.input.wrappedKey, b.input.header, b.input.headerSignature ?? new Uint8Array(0), ...b.records.map((r) => r.sealed));
      const t0 = performance.now();
      await raw.put('raw', payload, 1);
      rawMs.push(ms(t0));
    };
    if (i % 2 === 0) {
      await viaVault();
      await viaRaw();
    } else {
      await viaRaw();
      await viaVault();
    }
    const t0 = performance.now();
    const one = new Uint8Array(b.records.length * 272);
    b.records.forEach((r, j) => one.set(r.sealed, j * 272));
    const tx = raw.transaction(['raw', 'hash'], 'readwrite');
    void tx.objectStore('raw').put(one, 2);
    const hashed = e.digest(one);
    let settled = false;
    void hashed.then(() => (settled = true));
    while (!settled) await tx.objectStore('hash').count();
    void tx.objectStore('hash').put(new Uint8Array((await hashed) as ArrayBuffer), 2);
    await tx.done;
    floorMs.push(ms(t0));
    raw.close();
    await e.deleteDatabase(vn);
    await e.deleteDatabase(rn);
  }
  return { ...ratio(median(vaultMs), median(rawMs)), bytes, pages: memorySize / 256, floor: ratio(median(floorMs), median(rawMs)) };
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
  // The floor under this schema: the raw read + hash of the packs, plus what verify must
  // read besides them (every backup row, tombstone and page map: raw getAll, nothing done with them).
  const small = await timed(5, async () => {
    const tx = v.db.transaction(['backups', 'tombstones', 'manifests']);
    await Promise.all([tx.objectStore('backups').getAll(), tx.objectStore('tombstones').getAll(), tx.objectStore('manifests').getAll()]);
  });
  raw.db.close();
  v.close();
  await e.deleteDatabase(vn);
  await e.deleteDatabase(raw.name);
  return {
    backups: n,
    version,
    findings: full.value.length + every.value.length,
    ...ratio(full.ms, rawMs),
    everySignature: ratio(every.ms, rawMs),
    partialTenthMs: partial.ms,
    storedFloor: ratio(small.ms + rawMs, rawMs),
  };
}

/**
 * Export and import of n backups (64 KiB card, 5% diffs) against a raw read and a raw put
 * of the file's bytes (15 runs each, medians: the raw requests take 2 ms, and the page's
 * clock ticks in 0.1 ms). In the same page and run, the floors:
 *   export: reading what the vault stores for those backups (every backup row, tombstone,
 *           page map and pack, raw getAll in one transaction, nothing done with them) plus
 *           the file's SHA-256;
 *   import: every header's card signature (n Ed25519 checks, bare WebCrypto, one key),
 *           the file's SHA-256, and the raw put of the file; and the same with the raw put
 *           of the file replaced by raw puts of the values the import writes (schema 3:
 *           four per backup), what the vault's import can reach without a schema change.
 */
export async function exportImport(e: Engine, n: number) {
  const vn = fresh('export');
  const v = await e.openVault(vn);
  const card = new CardModel({ memorySize: 65536, pageSize: 256, seed: 11, version: VERSION });
  await chain(v, card, n, 13);
  const exp = await timed(15, () => v.exportFile());
  const file = exp.value;
  const raw = await rawStoreOf([file]);
  const reads: number[] = [];
  for (let i = 0; i < 15; i++) reads.push(await rawReadAll(raw.db));
  const rawRead = median(reads);
  const puts: number[] = [];
  for (let i = 0; i < 15; i++) {
    const t0 = performance.now();
    await raw.db.put('raw', file, 100 + i);
    puts.push(ms(t0));
  }
  const rawPut = median(puts);
  const imports: number[] = [];
  let written: unknown[] = [];
  for (let i = 0; i < 11; i++) {
    const wn = fresh('import');
    const w = await e.openVault(wn);
    const t0 = performance.now();
    await w.importFile(file);
    imports.push(ms(t0));
    if (i === 0) for (const s of ['cards', 'backups', 'manifests', 'uses', 'packs', 'tombstones'] as const) written.push(...(await w.db.getAll(s)));
    w.close();
    await e.deleteDatabase(wn);
  }
  // What storing the values an import writes costs the engine alone: the same values
  // (a row, a page map, a uses row and a pack per backup, the card), raw puts in one
  // transaction, no promise per request.
  const values = await timed(15, async () => {
    const tx = unwrap(raw.db).transaction('raw', 'readwrite');
    written.forEach((x, i) => tx.objectStore('raw').put(x, 1000 + i));
    await new Promise<void>((res, rej) => {
      tx.oncomplete = () => res();
      tx.onabort = () => rej(tx.error ?? new Error('aborted'));
    });
  });
  const valueCount = written.length;
  written = [];
  const stored = await timed(15, async () => {
    const tx = v.db.transaction(['backups', 'tombstones', 'manifests', 'packs']);
    await Promise.all([tx.objectStore('backups').getAll(), tx.objectStore('tombstones').getAll(), tx.objectStore('manifests').getAll(), tx.objectStore('packs').getAll()]);
    await e.digest(file);
  });
  let importFloor: Ratio | undefined;
  let importValuesFloor: Ratio | undefined;
  const cert = (await v.db.get('cards', card.cardNumber))?.certificate;
  if (e.verifyEd25519 && cert) {
    const rows = await v.db.getAll('backups');
    const check = await e.verifyEd25519(
      decodeCardCertificateKey(cert),
      rows.map((r) => ({ signature: r.headerSignature ?? new Uint8Array(64), message: headerSignatureMessage(r.wrappedKey, r.header) })),
    );
    const floor = await timed(15, async () => {
      const ok = await check();
      await e.digest(file);
      if (!ok.every((x) => x)) throw new Error('bench: a header signature of the floor did not verify');
    });
    importFloor = ratio(floor.ms + rawPut, rawPut);
    importValuesFloor = ratio(floor.ms + values.ms, rawPut);
  }
  raw.db.close();
  v.close();
  await e.deleteDatabase(vn);
  await e.deleteDatabase(raw.name);
  return {
    backups: n,
    fileBytes: file.length,
    export: ratio(exp.ms, rawRead),
    exportFloor: ratio(stored.ms, rawRead),
    import: ratio(median(imports), rawPut),
    ...(importFloor ? { importFloor } : {}),
    ...(importValuesFloor ? { importValuesFloor, importValues: valueCount } : {}),
  };
}

const decodeCardCertificateKey = (cert: Uint8Array): Uint8Array => {
  const c = decodeCardCertificate(cert);
  if (!c.ok) throw new Error(`bench: the card certificate does not decode: ${c.error.message}`);
  return c.value.signingPublicKey;
};

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
