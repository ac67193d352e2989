import { afterEach, describe, expect, it, vi } from 'vitest';
import { inProcessLocks, openVault, VaultError, type Vault } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { dump, freshFactory, store } from './setup.ts';

/** Make IndexedDB fail on the n-th put into `storeName`, as a crash or a full disk would. */
function failPut(storeName: string, error: () => Error, after = 0) {
  // fake-indexeddb/auto installed its IDBObjectStore as the global one.
  const proto = IDBObjectStore.prototype;
  const original = proto.put;
  let n = 0;
  return vi.spyOn(proto, 'put').mockImplementation(function (this: IDBObjectStore, ...args: Parameters<typeof original>) {
    if (this.name === storeName && n++ >= after) throw error();
    return original.apply(this, args);
  });
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('atomicity', () => {
  it('a commit aborted half way (after pack and manifest were put) leaves nothing visible', async () => {
    const f = freshFactory();
    const card = new CardModel();
    let v = await f.open();
    await store(v, card.next('full'));
    const before = await dump(v);
    failPut('backups', () => new DOMException('simulated crash', 'UnknownError'));
    await expect(v.commitBackup(card.backup('diff', 6).input)).rejects.toMatchObject({ code: 'STORAGE' });
    vi.restoreAllMocks();
    v.close();
    v = await f.open();
    expect(await dump(v)).toEqual(before);
    v.close();
  });

  it('quota exhaustion becomes a QUOTA VaultError saying what was needed and that nothing was written', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    failPut('manifests', () => new DOMException('quota', 'QuotaExceededError'));
    const e = await v.commitBackup(card.backup('full').input).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(VaultError);
    expect(e).toMatchObject({ code: 'QUOTA', message: expect.stringMatching(/needed about [\d.]+ KiB and nothing was written/) });
    expect((e as VaultError).cause).toMatchObject({ name: 'QuotaExceededError' });
    vi.restoreAllMocks();
    expect(await dump(v)).toEqual({ cards: [], backups: [], manifests: [], uses: [], packs: [], tombstones: [] });
    v.close();
  });
});

describe('two tabs backing up the same card', () => {
  /** One tab's backup flow: BACKUP, some APDU round trips, commit, BACKUP COMPLETE. */
  async function flow(v: Vault, card: CardModel, transfer: () => Promise<void>) {
    const b = card.backup('diff', 3);
    await transfer();
    await v.commitBackup(b.input);
    card.complete(b.seq);
    await v.confirmBackup(b.card, b.seq);
    return b.seq;
  }

  const fast = () => Promise.resolve();
  const slow = async () => {
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 5));
  };

  it('are serialised by the card lock: no lost and no repeated seq', async () => {
    const f = freshFactory();
    const card = new CardModel();
    const tabA = await openVault({ factory: f.factory, name: 'test-vault', locks: inProcessLocks });
    const tabB = await openVault({ factory: f.factory, name: 'test-vault', locks: inProcessLocks });
    await store(tabA, card.next('full'));
    const seqs = await Promise.all([
      tabA.withCardLock(card.cardNumber, () => flow(tabA, card, slow)),
      tabB.withCardLock(card.cardNumber, () => flow(tabB, card, fast)),
      tabA.withCardLock(card.cardNumber, () => flow(tabA, card, fast)),
    ]);
    expect(seqs).toEqual([2, 3, 4]);
    const t = await tabB.timeline(card.cardNumber);
    expect(t.map((e) => [e.seq, e.baseSeq, e.chain, e.confirmed])).toEqual([
      [4, 3, 'linked', true],
      [3, 2, 'linked', true],
      [2, 1, 'linked', true],
      [1, 0, 'first', true],
    ]);
    tabA.close();
    tabB.close();
  });

  it('without the lock the interleaving loses a backup, and the vault refuses rather than repeats a seq', async () => {
    const f = freshFactory();
    const card = new CardModel();
    const tabA = await f.open();
    const tabB = await f.open();
    await store(tabA, card.next('full'));
    // tab A gets seq 2 from the card first, but its transfer is still running when tab B's seq 3 lands
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const a = flow(tabA, card, () => gate);
    expect(await flow(tabB, card, fast)).toBe(3);
    release();
    await expect(a).rejects.toMatchObject({ code: 'SEQ_NOT_NEWER' });
    expect((await tabA.timeline(card.cardNumber)).map((e) => e.seq)).toEqual([3, 1]);
    tabA.close();
    tabB.close();
  });
});
