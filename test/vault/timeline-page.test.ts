/** The timeline a page at a time: the newest `limit` rows below `before`, of one card only, each with its link. */
import { describe, expect, it } from 'vitest';
import { CardModel } from './card-model.ts';
import { freshFactory, store } from './setup.ts';

describe('timeline pages', () => {
  it('pages stay inside the card, any limit, and the oldest row of a page links outside it', async () => {
    const v = await freshFactory().open();
    const a = new CardModel({ cardNumber: '1111222233334444' });
    const b = new CardModel({ cardNumber: '1111222233334445', seed: 5 });
    const c = new CardModel({ cardNumber: '1111222233334443', seed: 6 });
    await store(v, a.next('full'));
    a.next('full'); // seq 2: never stored, so seq 3 names a header the vault never held
    await store(v, a.next('full'));
    for (let i = 0; i < 5; i++) await store(v, a.next('diff', 2));
    for (let i = 0; i < 3; i++) await store(v, i === 0 ? b.next('full') : b.next('diff', 1));
    await store(v, c.next('full'));
    await v.deleteBackups(a.cardNumber, [5]);
    const seqs = async (o: { limit?: number; before?: number }) => (await v.timeline(a.cardNumber, o)).map((e) => [e.seq, e.chain]);
    expect(await seqs({})).toEqual([[8, 'linked'], [7, 'linked'], [6, 'linked'], [4, 'linked'], [3, 'gap'], [1, 'first']]);
    expect(await seqs({ limit: 1 })).toEqual([[8, 'linked']]);
    expect(await seqs({ limit: 0 })).toEqual([]);
    // Seq 6's predecessor, seq 5, was deleted on purpose: its tombstone keeps the link.
    expect(await seqs({ limit: 3 })).toEqual([[8, 'linked'], [7, 'linked'], [6, 'linked']]);
    expect(await seqs({ limit: 2, before: 6 })).toEqual([[4, 'linked'], [3, 'gap']]);
    expect(await seqs({ limit: 50, before: 4 })).toEqual([[3, 'gap'], [1, 'first']]);
    expect(await seqs({ limit: 50, before: 1 })).toEqual([]);
    expect((await v.timeline(b.cardNumber, { limit: 50 })).map((e) => e.seq)).toEqual([3, 2, 1]);
    expect((await v.timeline('9999888877776666', { limit: 5 }))).toEqual([]);
    v.close();
  });
});
