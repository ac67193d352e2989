import { sha256 } from '@noble/hashes/sha2.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { encodeHeader, pageMapHash } from '../../src/protocol/backup-format.ts';
import { decodeStoredHeader } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { dump, freshFactory, hexOf, refused, store } from './setup.ts';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('commitBackup', () => {
  it('stores a full and diffs, and the chain survives a new connection', async () => {
    const f = freshFactory();
    const card = new CardModel();
    let v = await f.open();
    await store(v, card.next('full'));
    for (let i = 0; i < 5; i++) await store(v, card.next('diff', 4));
    v.close();
    v = await f.open();
    const [c] = await v.listCards();
    expect(c).toMatchObject({ cardNumber: card.cardNumber, headSeq: 6, confirmedSeq: 6, memorySize: 4096, pageSize: 64 });
    const t = await v.timeline(card.cardNumber);
    expect(t.map((e) => e.seq)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(t.map((e) => e.chain)).toEqual(['linked', 'linked', 'linked', 'linked', 'linked', 'first']);
    expect(t[0]).toMatchObject({ kind: 'diff', baseSeq: 5, pagesCarried: 4, confirmed: true });
    expect(t[0]?.pagesChanged).toHaveLength(4);
    expect(t[5]).toMatchObject({ kind: 'full', pagesCarried: 64, bytes: 79 + 126 + 64 * (2 + 80) });
    expect((await v.latest(card.cardNumber))?.seq).toBe(6);
    v.close();
  });

  it('pages the timeline newest first with limit and before', async () => {
    const f = freshFactory();
    const card = new CardModel();
    const v = await f.open();
    await store(v, card.next('full'));
    for (let i = 0; i < 9; i++) await store(v, card.next('diff', 2));
    const first = await v.timeline(card.cardNumber, { limit: 4 });
    expect(first.map((e) => e.seq)).toEqual([10, 9, 8, 7]);
    const second = await v.timeline(card.cardNumber, { limit: 4, before: 7 });
    expect(second.map((e) => e.seq)).toEqual([6, 5, 4, 3]);
    expect(second.every((e) => e.chain === 'linked')).toBe(true);
    v.close();
  });

  it('keeps a backup unconfirmed until the card acknowledged it', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    const b = card.backup('full');
    await v.commitBackup(b.input);
    expect(await v.latest(card.cardNumber)).toBeUndefined();
    expect((await v.latest(card.cardNumber, { includeUnconfirmed: true }))?.seq).toBe(1);
    expect((await v.getCard(card.cardNumber))?.confirmedSeq).toBe(0);
    await v.confirmBackup(card.cardNumber, 1);
    expect((await v.latest(card.cardNumber))?.confirmed).toBe(true);
    expect(await refused(v.confirmBackup(card.cardNumber, 9))).toMatchObject({ code: 'NOT_FOUND' });
    v.close();
  });

  it('refuses a seq that is not newer, and a diff whose base is missing', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    const full = card.next('full');
    await store(v, full);
    expect(await refused(v.commitBackup(full.input))).toMatchObject({ code: 'SEQ_NOT_NEWER' });
    const d2 = card.next('diff');
    // seq 3 is a diff on seq 2, which never reached the vault
    const d3 = card.next('diff');
    const refusal = await refused(v.commitBackup(d3.input));
    expect(refusal.code).toBe('MISSING_BASE');
    expect(refusal.message).toContain('seq 2');
    await store(v, d2);
    await store(v, d3);
    expect((await v.timeline(card.cardNumber)).map((e) => e.seq)).toEqual([3, 2, 1]);
    v.close();
  });

  it('refuses bad records, a wrong count, and a page map that does not add up; nothing is written', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    const before = await dump(v);
    const d = card.backup('diff', [1, 2, 3]);
    const [r1, r2] = d.records as [(typeof d.records)[0], (typeof d.records)[0]];
    expect(await refused(v.commitBackup({ ...d.input, records: [r1, r2] }))).toMatchObject({ code: 'BAD_INPUT' });
    expect(await refused(v.commitBackup({ ...d.input, records: [r1, r1, r2] }))).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('twice') });
    expect(await refused(v.commitBackup({ ...d.input, records: [r1, r2, { page: 64, sealed: r1.sealed }] }))).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('outside') });
    expect(await refused(v.commitBackup({ ...d.input, records: [r1, r2, { page: 9, sealed: r1.sealed.subarray(1) }] }))).toMatchObject({ code: 'BAD_INPUT' });
    // the same count of records, but for other pages than the header's page map says
    expect(await refused(v.commitBackup({ ...d.input, records: [r1, r2, { page: 9, sealed: r1.sealed }] }))).toMatchObject({ code: 'PAGE_MAP_MISMATCH' });
    const h = decodeStoredHeader(d.input.header);
    if (!h.ok) throw h.error;
    const wrongMap = encodeHeader({ ...h.value, pageMapHash: pageMapHash(new Uint32Array(64)) });
    wrongMap[4] = d.input.header[4] as number; // the model card's protocol version, whatever the codec writes
    expect(await refused(v.commitBackup({ ...d.input, header: wrongMap }))).toMatchObject({ code: 'PAGE_MAP_MISMATCH' });
    expect(await refused(v.commitBackup({ ...d.input, header: d.input.header.subarray(1) }))).toMatchObject({ code: 'BAD_INPUT' });
    const other = new CardModel({ cardNumber: '9999000011112222' });
    expect(await refused(v.commitBackup({ ...d.input, wrappedKey: other.wrappedKey }))).toMatchObject({ code: 'BAD_INPUT' });
    expect(await dump(v)).toEqual(before);
    await v.commitBackup(d.input);
    v.close();
  });

  it('refuses a backup whose card layout differs from the card the vault knows', async () => {
    const v = await freshFactory().open();
    await store(v, new CardModel().next('full'));
    const bigger = new CardModel({ memorySize: 8192 });
    bigger.next('full');
    expect(await refused(v.commitBackup(bigger.next('full').input))).toMatchObject({ code: 'CARD_MISMATCH' });
    v.close();
  });

  it('stores one pack per backup: a diff stores only the pages it carried, its manifest names the packs it uses', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    await store(v, card.next('diff', [5, 6]));
    const packs = await v.db.getAll('packs');
    expect(packs.map((p) => [p.seq, Array.from(p.pages).length, p.sealed.length])).toEqual([
      [1, 64, 64 * 80],
      [2, 2, 2 * 80],
    ]);
    expect(Array.from((packs[1] as (typeof packs)[number]).pages)).toEqual([5, 6]);
    expect(Array.from((await v.db.get('uses', [card.cardNumber, 2]))?.packs ?? [])).toEqual([1, 2]);
    expect(await v.db.count('manifests')).toBe(2);
    v.close();
  });

  it('refuses a diff whose base draws on a lost pack, so the host makes a full backup instead', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    await store(v, card.next('diff', [5]));
    await v.db.delete('packs', [card.cardNumber, 1]);
    const e = await refused(v.commitBackup(card.backup('diff', [6]).input));
    expect(e).toMatchObject({ code: 'MISSING_BASE', message: 'backup refused: diff seq 3 of card 1234567890123456 builds on seq 2, whose pages from seq 1 are lost; make a full backup' });
    v.close();
  });

  it('keeps the SHA-256 of each committed pack in packHashes, hashed from the bytes stored, and none inside the pack', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    await store(v, card.next('diff', [5, 6]));
    const packs = await v.db.getAll('packs');
    expect(packs.map((p) => p.hash)).toEqual([undefined, undefined]);
    expect(await v.db.getAll('packHashes')).toEqual(packs.map((p) => ({ cardNumber: card.cardNumber, seq: p.seq, hash: hexOf(sha256(p.sealed)) })));
    v.close();
  });

  it('a hash that fails inside the transaction takes the whole backup back: nothing is written', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    const before = await dump(v);
    vi.spyOn(globalThis.crypto.subtle, 'digest').mockRejectedValueOnce(new DOMException('the engine went away', 'OperationError'));
    const e = await refused(v.commitBackup(card.backup('diff', [3]).input));
    expect(e).toMatchObject({ code: 'STORAGE', message: expect.stringContaining('backup of card 1234567890123456 seq 2: storage failed (OperationError: the engine went away); nothing was written') });
    expect(await dump(v)).toEqual(before);
    // and the same backup goes in once the hash works
    await store(v, card.next('diff', [3]));
    expect(await v.verify()).toEqual([]);
    v.close();
  });
});
