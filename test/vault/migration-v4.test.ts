/**
 * Schema 3 -> 4 from a vault the schema-3 code wrote (test/fixtures/vault-v3, made by
 * make-v3-fixture.ts): the new `packHashes` store appears empty and every pack stored
 * before keeps its hash inside it, so every point restores to the same pages and verify
 * is clean; a backup committed after the migration keeps its hash in `packHashes`, verify
 * finds altered bytes in old and new packs alike, deleting collects a pack with its hash
 * row, and the vault exports and imports whole. A migration refused half way leaves
 * version 3 as it was for the next open to convert.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Vault } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { idbRequest, readVaultFixture, restoredPoints, writeFixtureDb } from './fixture-file.ts';
import { dump, freshFactory, hexOf, store } from './setup.ts';

const fixture = readVaultFixture<3>('vault-v3');
const CARD_A = '1234567890123456';

/** Version and store names, read without the vault's code. */
async function rawState(factory: IDBFactory) {
  const db = await idbRequest(factory.open('test-vault'));
  const out = { version: db.version, stores: [...db.objectStoreNames].sort(), packs: await idbRequest(db.transaction('packs').objectStore('packs').count()) };
  db.close();
  return out;
}

/** Flip one byte of a stored pack, as damage on disk would. */
async function alter(v: Vault, seq: number): Promise<void> {
  const p = await v.db.get('packs', [CARD_A, seq]);
  if (!p) throw new Error(`no pack ${seq}`);
  p.sealed[5] = (p.sealed[5] as number) ^ 1;
  await v.db.put('packs', p);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('schema migration 3 -> 4', () => {
  it('adds packHashes; old packs keep their hash inside, new commits keep theirs apart; verify, delete, export and import agree', async () => {
    const f = freshFactory();
    await writeFixtureDb(f.factory, 'test-vault', 3, fixture.stores);
    const v = await f.open();
    expect(v.db.version).toBe(4);
    expect(await v.db.count('packHashes')).toBe(0);
    expect((await v.db.getAll('packs')).every((p) => typeof p.hash === 'string' && p.hash.length === 64)).toBe(true);
    expect(await v.verify()).toEqual([]);
    expect(await v.verify({ signatures: 'every' })).toEqual([]);
    expect(await restoredPoints(v, fixture.points)).toEqual(fixture.points);

    // A backup committed now: its pack has no hash inside, its packHashes row has the SHA-256 of its bytes.
    const b = new CardModel({ cardNumber: '2222333344445555', memorySize: 1024, pageSize: 32, seed: 5, version: 2 });
    await store(v, b.next('full'));
    await store(v, b.next('diff', 3));
    const pack = await v.db.get('packs', [b.cardNumber, 2]);
    expect(pack?.hash).toBeUndefined();
    expect((await v.db.get('packHashes', [b.cardNumber, 2]))?.hash).toBe(hexOf(sha256(pack?.sealed ?? new Uint8Array(0))));
    expect(await v.verify()).toEqual([]);
    // Page lists: number[] in the schema-3 rows, Uint32Array in new ones; the read API hands out number[] for both.
    expect(Array.isArray((await v.db.get('backups', [CARD_A, 4]))?.pagesChanged)).toBe(true);
    expect((await v.db.get('backups', [b.cardNumber, 2]))?.pagesChanged).toBeInstanceOf(Uint32Array);
    const seen = [...(await v.timeline(CARD_A, { limit: 2 })), ...(await v.timeline(b.cardNumber))];
    expect(seen.every((e) => Array.isArray(e.pagesChanged) && e.pagesChanged.length === e.pagesCarried)).toBe(true);
    expect((await v.getBackup(b.cardNumber, 2))?.pagesChanged).toEqual(Array.from(pack?.pages ?? []));

    // Altered bytes are found in a pack of either kind.
    await alter(v, 1); // a schema-3 pack: hash inside
    const np = await v.db.get('packs', [b.cardNumber, 1]);
    if (!np) throw new Error('no pack');
    np.sealed[0] = (np.sealed[0] as number) ^ 1;
    await v.db.put('packs', np);
    expect((await v.verify()).filter((x) => x.code === 'PACK_HASH').map((x) => [x.card, x.seq])).toEqual([
      [CARD_A, 1],
      [b.cardNumber, 1],
    ]);
    v.close();
  });

  it('collects a pack with its hash row, and a migrated vault exports and imports whole', async () => {
    const f = freshFactory();
    await writeFixtureDb(f.factory, 'test-vault', 3, fixture.stores);
    const v = await f.open();
    const b = new CardModel({ cardNumber: '2222333344445555', memorySize: 1024, pageSize: 32, seed: 6, version: 2 });
    await store(v, b.next('full'));
    await store(v, b.next('full'));
    await store(v, b.next('diff', 2));
    expect((await v.db.getAllKeys('packHashes')).map((k) => k[1])).toEqual([1, 2, 3]);
    // seq 1 is named by no later point (seq 2 is a full): its pack and hash row go together.
    expect(await v.deleteBackups(b.cardNumber, [1])).toEqual({ backups: 1, packsCollected: 1 });
    expect((await v.db.getAllKeys('packHashes')).map((k) => k[1])).toEqual([2, 3]);
    // Card a's old packs (hashes inside) collected the same way.
    expect(await v.deleteBackups(CARD_A, [1, 4, 5])).toEqual({ backups: 3, packsCollected: 5 });
    expect(await v.verify()).toEqual([]);
    const w = await freshFactory().open();
    await w.importFile(await v.exportFile());
    expect(await w.verify()).toEqual([]);
    expect(await dump(w)).toEqual(await dump(v));
    w.close();
    v.close();
  });

  it('a migration refused half way leaves version 3 whole; the next open converts it', async () => {
    const f = freshFactory();
    await writeFixtureDb(f.factory, 'test-vault', 3, fixture.stores);
    const before = await rawState(f.factory);
    expect(before).toEqual({ version: 3, stores: ['backups', 'cards', 'checks', 'manifests', 'meta', 'packs', 'tombstones', 'uses'], packs: 12 });
    const create = IDBDatabase.prototype.createObjectStore;
    vi.spyOn(IDBDatabase.prototype, 'createObjectStore').mockImplementation(function (this: IDBDatabase, ...args: Parameters<typeof create>) {
      if (args[0] === 'packHashes') throw new DOMException('tab closed', 'AbortError');
      return create.apply(this, args);
    });
    await expect(f.open()).rejects.toBeDefined();
    vi.restoreAllMocks();
    expect(await rawState(f.factory)).toEqual(before);
    const v = await f.open();
    expect(v.db.version).toBe(4);
    expect(await v.verify()).toEqual([]);
    expect(await restoredPoints(v, fixture.points)).toEqual(fixture.points);
    v.close();
  });
});
