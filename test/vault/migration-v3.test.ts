/**
 * Schema 2 -> 3 from a vault the schema-2 code wrote (test/fixtures/vault-v2, made by
 * make-v2-fixture.ts): the uses rows become seq lists without the byPack index, every point
 * restores to the same pages, verify is clean, deleting still collects exactly the packs
 * nothing names; and a migration that fails half way leaves version 2 whole for the next
 * open to convert.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idbRequest, readVaultFixture, restoredPoints, writeFixtureDb } from './fixture-file.ts';
import { freshFactory } from './setup.ts';

const fixture = readVaultFixture<2>('vault-v2');
const CARD_A = '1234567890123456';

/** Version, the uses store's indexes and its rows' shapes, read without the vault's code. */
async function rawState(factory: IDBFactory) {
  const db = await idbRequest(factory.open('test-vault'));
  const tx = db.transaction('uses');
  const rows = (await idbRequest(tx.objectStore('uses').getAll())) as { packs: unknown }[];
  const out = { version: db.version, indexes: [...tx.objectStore('uses').indexNames], pairs: rows.filter((r) => Array.isArray(r.packs)).length, rows: rows.length };
  db.close();
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('schema migration 2 -> 3', () => {
  it('converts a version-2 vault in place: uses rows as seq lists, no byPack index, same points, verify clean', async () => {
    const f = freshFactory();
    await writeFixtureDb(f.factory, 'test-vault', 2, fixture.stores);
    expect(await rawState(f.factory)).toEqual({ version: 2, indexes: ['byPack'], pairs: 10, rows: 10 });
    const v = await f.open();
    expect(v.db.version).toBe(4);
    v.close();
    expect(await rawState(f.factory)).toEqual({ version: 4, indexes: [], pairs: 0, rows: 10 });
    const w = await f.open();
    // seq 4 of card a names the packs of deleted seqs 2 and 3 (they stay) and its own
    expect(Array.from((await w.db.get('uses', [CARD_A, 4]))?.packs ?? [])).toEqual([1, 2, 3, 4]);
    expect(await w.verify()).toEqual([]);
    expect(await w.verify({ signatures: 'every' })).toEqual([]);
    expect(await restoredPoints(w, fixture.points)).toEqual(fixture.points);
    // Deleting still collects exactly what nothing names: seqs 1-5 go; 6 (a full) starts
    // anew, so the packs of 1-5 are named by no kept point any more.
    const packsBefore = (await w.db.getAllKeys('packs')).filter((k) => k[0] === CARD_A).map((k) => k[1]);
    expect(packsBefore).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const r = await w.deleteBackups(CARD_A, [1, 4, 5]);
    expect(r).toEqual({ backups: 3, packsCollected: 5 });
    expect(await w.verify()).toEqual([]);
    // the migrated vault exports and imports whole
    const file = await w.exportFile();
    const x = await freshFactory().open();
    await x.importFile(file);
    expect(await x.verify()).toEqual([]);
    x.close();
    w.close();
  });

  it('a migration interrupted half way leaves version 2 whole; the next open converts it', async () => {
    const f = freshFactory();
    await writeFixtureDb(f.factory, 'test-vault', 2, fixture.stores);
    const before = await rawState(f.factory);
    const proto = IDBCursor.prototype;
    const update = proto.update;
    let n = 0;
    vi.spyOn(proto, 'update').mockImplementation(function (this: IDBCursor, ...args: Parameters<typeof update>) {
      if (n++ >= 4) throw new DOMException('tab closed', 'AbortError');
      return update.apply(this, args);
    });
    await expect(f.open()).rejects.toBeDefined();
    vi.restoreAllMocks();
    expect(n).toBe(5);
    expect(await rawState(f.factory)).toEqual(before);
    const v = await f.open();
    expect(v.db.version).toBe(4);
    expect(await v.verify()).toEqual([]);
    expect(await restoredPoints(v, fixture.points)).toEqual(fixture.points);
    v.close();
    expect(await rawState(f.factory)).toMatchObject({ version: 4, indexes: [], pairs: 0 });
  });
});
