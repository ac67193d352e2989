/**
 * Schema 1 -> 2 from a vault the schema-1 code wrote (test/fixtures/vault-v1, made by
 * make-v1-fixture.ts): every point restores to the same pages, verify is clean, and a
 * migration that fails half way leaves version 1 whole for the next open to convert.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CompactedPlan } from '../../src/vault/index.ts';
import { fixtureRow, idbRequest, readVaultFixture } from './fixture-file.ts';
import { freshFactory, hexOf } from './setup.ts';

const fixture = readVaultFixture<1>('vault-v1');

/** Write the fixture's rows into a version-1 database, created as schema 1 created it. */
async function writeV1(factory: IDBFactory): Promise<void> {
  const open = factory.open('test-vault', 1);
  open.onupgradeneeded = () => {
    const db = open.result;
    db.createObjectStore('cards', { keyPath: 'cardNumber' });
    db.createObjectStore('backups', { keyPath: ['cardNumber', 'seq'] }).createIndex('byHash', 'headerHash', { unique: false });
    db.createObjectStore('manifests', { keyPath: ['cardNumber', 'seq'] });
    db.createObjectStore('blobs', { keyPath: 'hash' });
    db.createObjectStore('tombstones', { keyPath: ['cardNumber', 'seq'] }).createIndex('byHash', 'headerHash', { unique: false });
    db.createObjectStore('meta');
  };
  const db = await idbRequest(open);
  const tx = db.transaction(Object.keys(fixture.stores), 'readwrite');
  for (const [name, rows] of Object.entries(fixture.stores)) for (const row of rows) tx.objectStore(name).put(fixtureRow(row));
  await new Promise((ok) => (tx.oncomplete = ok));
  db.close();
}

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
    await writeV1(f.factory);
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
    for (const [card, points] of Object.entries(fixture.points))
      for (const [seq, pages] of Object.entries(points)) {
        const plan = (await v.restorePlan(card, Number(seq), 'compacted')) as CompactedPlan;
        const got: string[] = [];
        for (const s of plan.segments) for (const r of s.records) got[r.page] = hexOf(sha256(r.sealed));
        expect(got, `card ${card} seq ${seq}`).toEqual(pages);
      }
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
    await writeV1(f.factory);
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
