import { describe, expect, it } from 'vitest';
import type { Vault } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { freshFactory, packOf, refused, store } from './setup.ts';

async function chainOf(n: number): Promise<{ v: Vault; card: CardModel }> {
  const v = await freshFactory().open();
  const card = new CardModel();
  await store(v, card.next('full'));
  for (let i = 1; i < n; i++) await store(v, card.next('diff', [i % 64, (i * 7) % 64]));
  return { v, card };
}

describe('verify', () => {
  it('finds nothing wrong in a sound vault, nor across backups deleted on purpose', async () => {
    const { v, card } = await chainOf(8);
    expect(await v.verify()).toEqual([]);
    await v.deleteBackups(card.cardNumber, [1, 4, 5]);
    expect(await v.verify({ card: card.cardNumber })).toEqual([]);
    v.close();
  });

  it('finds a deleted pack and an altered pack, naming card, seq and the points that need it', async () => {
    const { v, card } = await chainOf(6);
    const gone = await packOf(v, card.cardNumber, 3, 14); // seq 3 carried pages 2 and 14
    await v.db.delete('packs', gone);
    const altered = await packOf(v, card.cardNumber, 1, 40);
    const row = await v.db.get('packs', altered);
    if (!row) throw new Error('no pack');
    row.sealed[17] = (row.sealed[17] as number) ^ 1;
    await v.db.put('packs', row);
    const f = await v.verify();
    expect(f).toEqual([
      expect.objectContaining({ card: card.cardNumber, seq: 3, code: 'PACK_MISSING', severity: 'damage', message: expect.stringContaining('needed by 4 points, seq 3..6') }),
      expect.objectContaining({ card: card.cardNumber, seq: 1, code: 'PACK_HASH', severity: 'damage', message: expect.stringContaining('needed by 6 points') }),
    ]);
    v.close();
  });

  it('finds a pack whose hash row is gone, a hash row altered, and export refuses what it cannot vouch for', async () => {
    const { v, card } = await chainOf(4);
    const cn = card.cardNumber;
    await v.db.delete('packHashes', [cn, 2]);
    const h = await v.db.get('packHashes', [cn, 3]);
    if (!h) throw new Error('no hash row');
    await v.db.put('packHashes', { ...h, hash: '0'.repeat(64) });
    const f = await v.verify();
    expect(f.map((x) => [x.seq, x.code, x.message])).toEqual([
      [2, 'PACK_HASH', expect.stringContaining('the pages stored by seq 2 have no stored hash, so they cannot be checked')],
      [3, 'PACK_HASH', expect.stringContaining('the pages stored by seq 3 hash to ')],
    ]);
    expect(await refused(v.exportFile())).toMatchObject({ code: 'CORRUPT', message: `cannot export card ${cn}: the pages stored by seq 2 have no stored hash (run verify)` });
    v.close();
  });

  it('finds an altered header, and an altered manifest by its page map', async () => {
    const { v, card } = await chainOf(5);
    const b = await v.db.get('backups', [card.cardNumber, 2]);
    if (!b) throw new Error('no backup');
    b.header[30] = (b.header[30] as number) ^ 0x80; // a byte of the date
    await v.db.put('backups', b);
    const m = await v.db.get('manifests', [card.cardNumber, 4]);
    if (!m) throw new Error('no manifest');
    m.seqs[10] = 2;
    await v.db.put('manifests', m);
    const f = await v.verify();
    expect(f.map((x) => [x.seq, x.code])).toEqual([
      [2, 'HEADER_HASH'],
      [2, 'HEADER_MISMATCH'],
      [4, 'PAGE_MAP'],
      [4, 'PACK_SHAPE'], // page 10 now points at seq 2's pack, which never held it
    ]);
    v.close();
  });

  it('reports a backup the vault never held as a gap, and a contradicting link as damage', async () => {
    const { v, card } = await chainOf(6);
    // seq 3 vanishes without a tombstone, as if it never arrived
    await v.db.delete('backups', [card.cardNumber, 3]);
    await v.db.delete('manifests', [card.cardNumber, 3]);
    const f = await v.verify();
    expect(f).toEqual([expect.objectContaining({ seq: 4, code: 'CHAIN_GAP', severity: 'gap', message: expect.stringContaining('seqs 3..3 are missing') })]);
    // now seq 5's header is swapped for a copy naming another predecessor: the chain skips seq 4
    const five = await v.db.get('backups', [card.cardNumber, 5]);
    const two = await v.db.get('backups', [card.cardNumber, 2]);
    if (!five || !two) throw new Error('missing');
    await v.db.put('backups', { ...five, prevHash: two.headerHash });
    const g = await v.verify();
    expect(g.map((x) => [x.seq, x.code])).toContainEqual([5, 'CHAIN_BROKEN']);
    v.close();
  });

  it('notices a card head that disagrees with the backups', async () => {
    const { v, card } = await chainOf(3);
    const c = await v.getCard(card.cardNumber);
    if (!c) throw new Error('no card');
    await v.db.put('cards', { ...c, confirmedSeq: 1 });
    expect((await v.verify()).map((x) => x.code)).toEqual(['CARD_HEAD']);
    await expect(v.verify({ card: '0000000000000000' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    v.close();
  });
});
