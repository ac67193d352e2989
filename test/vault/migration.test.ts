/**
 * Schema 1 -> 2 from a vault the schema-1 code wrote (test/fixtures/vault-v1, made by
 * make-v1-fixture.ts): every point restores to the same pages, verify is clean, and a
 * migration that fails half way leaves version 1 whole for the next open to convert.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { idbRequest, readVaultFixture, restoredPoints, writeFixtureDb } from './fixture-file.ts';
import { freshFactory } from './setup.ts';

const fixture = readVaultFixture<1>('vault-v1');

async function v1Counts(factory: IDBFactory): Promise<{ version: number; stores: string[]; blobs: number }> {
  const db = await idbRequest(factory.open('test-vault'));
  const out = { version: db.version, stores: [...db.objectStoreNames].sort(), blobs: db.objectStoreNames.contains('blobs') ? await idbRequest(db.transaction('blobs').objectStore('blobs').count()) : -1 };
  db.close();
  return out;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('schema migration 1 -> 2', () => {
  it('converts a version-1 vault in place: one pack per backup, same points, verify clean', async () => {
    const f = freshFactory();
    await writeFixtureDb(f.factory, 'test-vault', 1, fixture.stores);
    const v = await f.open();
    expect(v.db.version).toBe(4);
    expect([...v.db.objectStoreNames].sort()).toEqual(['backups', 'cards', 'checks', 'manifests', 'meta', 'packHashes', 'packs', 'tombstones', 'uses']);
    expect(await v.db.count('uses')).toBe(8);
    // card a: 6 backups held + 2 deleted whose pages later points use; card b: 2
    expect(await v.db.count('packs')).toBe(10);
    expect(await v.verify()).toEqual([
      // the fixture deleted seqs 2 and 3 of card a: seq 4 follows them across tombstones, no finding;
      // nothing else may be reported
    ]);
    expect(await restoredPoints(v, fixture.points)).toEqual(fixture.points);
    // the migrated vault works on: retention, export, import into a fresh vault
    const file = await v.exportFile();
    const w = await freshFactory().open();
    await w.importFile(file);
    expect(await w.verify()).toEqual([]);
    w.close();
    v.close();
  });

  it('a migration interrupted half way leaves version 1 whole; the next open converts it', async () => {
    const f = freshFactory();
    await writeFixtureDb(f.factory, 'test-vault', 1, fixture.stores);
    const before = await v1Counts(f.factory);
    const proto = IDBObjectStore.prototype;
    const put = proto.put;
    let n = 0;
    vi.spyOn(proto, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      if (this.name === 'packs' && n++ >= 4) throw new DOMException('tab closed', 'AbortError');
      return put.apply(this, args);
    });
    await expect(f.open()).rejects.toBeDefined();
    vi.restoreAllMocks();
    expect(await v1Counts(f.factory)).toEqual(before);
    expect(before).toMatchObject({ version: 1, blobs: 120 });
    const v = await f.open();
    expect(await v.db.count('packs')).toBe(10);
    expect(await v.verify()).toEqual([]);
    v.close();
  });
});
