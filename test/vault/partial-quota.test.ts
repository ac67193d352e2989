/**
 * Verify's partial mode and its record of what was checked when; deleting over quota
 * (delete-only first, tombstones after); a duplicated entry in an import file named as such.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { concat } from '../../src/protocol/bytes.ts';
import { openVault } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { exportV1 } from './export-v1.ts';
import { freshFactory, refused, store } from './setup.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('partial verify', () => {
  it('reads the least recently checked packs first, records each, and covers the vault over successive runs', async () => {
    const f = freshFactory();
    let clock = 1000;
    const v = await openVault({ factory: f.factory, name: 'test-vault', now: () => clock });
    const card = new CardModel();
    await store(v, card.next('full'));
    for (let i = 0; i < 5; i++) await store(v, card.next('diff', 2));
    expect(await v.checkCoverage(card.cardNumber)).toEqual({ card: card.cardNumber, packs: 6, checked: 0, oldestCheck: 0, failed: 0 });
    expect(await v.verify({ maxPacks: 2 })).toEqual([]);
    expect((await v.db.getAll('checks')).map((c) => [c.seq, c.checkedAt, c.ok])).toEqual([
      [1, 1000, true],
      [2, 1000, true],
    ]);
    clock = 2000;
    // damage a pack not read yet: a partial run that reaches it finds it
    const pack = await v.db.get('packs', [card.cardNumber, 4]);
    if (!pack) throw new Error('no pack');
    pack.sealed[3] = (pack.sealed[3] as number) ^ 1;
    await v.db.put('packs', pack);
    const found = await v.verify({ maxPacks: 2 });
    expect(found.map((x) => [x.seq, x.code])).toEqual([[4, 'PACK_HASH']]);
    expect((await v.db.getAll('checks')).map((c) => [c.seq, c.checkedAt, c.ok])).toEqual([
      [1, 1000, true],
      [2, 1000, true],
      [3, 2000, true],
      [4, 2000, false],
    ]);
    clock = 3000;
    await v.verify({ maxPacks: 2 });
    expect(await v.checkCoverage(card.cardNumber)).toEqual({ card: card.cardNumber, packs: 6, checked: 6, oldestCheck: 1000, failed: 1 });
    // a whole run is recorded as one value per card: every pack counts as read then, the damaged one as failed
    clock = 3500;
    expect((await v.verify()).map((x) => [x.seq, x.code])).toEqual([[4, 'PACK_HASH']]);
    expect(await v.checkCoverage(card.cardNumber)).toEqual({ card: card.cardNumber, packs: 6, checked: 6, oldestCheck: 3500, failed: 1 });
    expect(await v.db.count('checks')).toBe(6); // no row per pack for the whole run
    clock = 4000;
    await v.verify({ maxPacks: 2 }); // a partial run after it reads the two least recently checked (seq 1, 2), and their rows win
    expect((await v.db.getAll('checks')).filter((c) => c.checkedAt === 4000).map((c) => c.seq)).toEqual([1, 2]);
    expect(await v.checkCoverage(card.cardNumber)).toEqual({ card: card.cardNumber, packs: 6, checked: 6, oldestCheck: 3500, failed: 1 });
    // a missing pack is found by every run, read or not: the list of packs is small
    await v.db.delete('packs', [card.cardNumber, 6]);
    expect((await v.verify({ maxPacks: 0 })).map((x) => [x.seq, x.code])).toEqual([[6, 'PACK_MISSING']]);
    // a time budget reads at least one pack, then stops once the clock has run past it
    let ticks = 5000;
    const w = await openVault({ factory: f.factory, name: 'test-vault', now: () => (ticks += 10) });
    v.close();
    await w.verify({ budgetMs: 15 });
    const newest = (await w.db.getAll('checks')).filter((c) => c.checkedAt > 5000);
    expect(newest.length).toBeGreaterThanOrEqual(1);
    expect(newest.length).toBeLessThan(5);
    w.close();
  });
});

describe('deleting over quota', () => {
  it('when the ordinary delete is refused for quota, deletes alone go first, then tombstones and head', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    for (let i = 0; i < 4; i++) await store(v, card.next('diff', [i + 1]));
    const log: string[] = [];
    const proto = IDBObjectStore.prototype;
    const put = proto.put;
    const del = proto.delete;
    let refusals = 0;
    vi.spyOn(proto, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<typeof put>) {
      log.push(`put ${this.name}`);
      // Full disk: the first transaction that writes anything is refused.
      if (refusals++ === 0) throw new DOMException('quota', 'QuotaExceededError');
      return put.apply(this, args);
    });
    vi.spyOn(proto, 'delete').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<typeof del>) {
      log.push(`delete ${this.name}`);
      return del.apply(this, args);
    });
    const r = await v.deleteBackups(card.cardNumber, [2, 3]);
    vi.restoreAllMocks();
    expect(r).toEqual({ backups: 2, packsCollected: 0 }); // seq 2 and 3 carried pages 2 and 3, which seq 5 still uses
    // after the refusal: a transaction of deletes only, then the puts
    const retry = log.slice(log.indexOf('put tombstones') + 1);
    const firstPut = retry.findIndex((x) => x.startsWith('put'));
    expect(retry.slice(0, firstPut).every((x) => x.startsWith('delete'))).toBe(true);
    expect(retry.slice(0, firstPut)).toContain('delete backups');
    expect(retry.slice(firstPut)).toEqual(['put tombstones', 'put tombstones', 'put cards']);
    expect((await v.db.getAll('tombstones')).map((t) => t.seq)).toEqual([2, 3]);
    expect(await v.verify()).toEqual([]);
    v.close();
  });
});

describe('import names a duplicated entry', () => {
  it('a sealed page listed twice in a version-1 file is reported as in the file twice, not as unused', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    const file = await exportV1(v.db);
    const n = new DataView(file.buffer, file.byteOffset).getUint32(12);
    const index = JSON.parse(new TextDecoder().decode(file.subarray(16, 16 + n))) as { blobs: [string, number][] };
    const first = index.blobs[0] as [string, number];
    index.blobs.push(first);
    const json = new TextEncoder().encode(JSON.stringify(index));
    const head = file.slice(0, 16);
    new DataView(head.buffer).setUint32(12, json.length);
    const body = concat(head, json, file.subarray(16 + n, file.length - 32), file.subarray(16 + n, 16 + n + first[1]));
    const w = await freshFactory().open();
    const e = await refused(w.importFile(concat(body, sha256(body))));
    expect(e).toMatchObject({ code: 'BAD_FILE', message: `not a usable vault export: blob ${first[0].slice(0, 8)}… is in the file twice (entries 0 and ${index.blobs.length - 1})` });
    v.close();
    w.close();
  });
});
