import { afterEach, describe, expect, it, vi } from 'vitest';
import { inProcessLocks, openVault, VaultError, type Vault } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { forgeHeader, rebuildV2 } from './export-file.ts';
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
    expect(await dump(v)).toEqual({ cards: [], backups: [], manifests: [], uses: [], packs: [], tombstones: [], strayPackHashes: [] });
    v.close();
  });
});

describe('import atomicity (the signatures are checked inside the write transaction)', () => {
  /** A vault holding another card, and the export file of a 4-backup version-2 chain. */
  async function setup() {
    const src = await freshFactory().open();
    const card = new CardModel({ version: 2, seed: 5 });
    await store(src, card.next('full'));
    for (let i = 0; i < 3; i++) await store(src, card.next('diff', 2));
    const file = await src.exportFile();
    src.close();
    const v = await freshFactory().open();
    await store(v, new CardModel({ cardNumber: '6543210987654321', seed: 6 }).next('full'));
    return { v, file, before: await dump(v) };
  }

  it('an import failing half way (quota on a pack) is refused as QUOTA and leaves the vault as it was; the same file then imports whole', async () => {
    const { v, file, before } = await setup();
    failPut('packs', () => new DOMException('quota', 'QuotaExceededError'), 2);
    const e = await v.importFile(file).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'QUOTA', message: expect.stringContaining('nothing was written') });
    vi.restoreAllMocks();
    expect(await dump(v)).toEqual(before);
    expect(await v.importFile(file)).toMatchObject({ added: 4, packs: 4 });
    expect(await v.verify()).toEqual([]);
    v.close();
  });

  it('a forged header (hashes recomputed) is refused after the writes were issued, and the transaction is aborted: the vault is unchanged', async () => {
    const { v, file, before } = await setup();
    const forged = await forgeHeader(file, 3);
    const puts = vi.spyOn(IDBObjectStore.prototype, 'put');
    const e = await v.importFile(await rebuildV2(forged)).catch((x: unknown) => x);
    expect(e).toMatchObject({ code: 'BAD_FILE', message: expect.stringContaining('seq 4: the header\'s card signature does not verify') });
    // The writes had been issued (the refusal came from inside the write transaction).
    expect(puts.mock.calls.some((c) => (c[0] as { seq?: number }).seq === 4)).toBe(true);
    vi.restoreAllMocks();
    expect(await dump(v)).toEqual(before);
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
