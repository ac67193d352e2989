/**
 * Replay plans: the steps are the chain walked back along baseSeq (a branch left behind
 * is skipped), planned from the card's kept links without reading rows or packs, and
 * each step's records read when due. Kept links that no longer match the rows are
 * rebuilt or caught, never trusted into a wrong chain.
 */
import { describe, expect, it } from 'vitest';
import type { ReplayPlan, Vault } from '../../src/vault/index.ts';
import { linksKey, linksOf, type Links } from '../../src/vault/replay-links.ts';
import { CardModel } from './card-model.ts';
import { freshFactory, store } from './setup.ts';

const replay = async (v: Vault, card: string, seq: number) => (await v.restorePlan(card, seq, 'replay')) as ReplayPlan;

/** Memory after sending every step of the plan, read back from the vault. */
async function replayed(v: Vault, plan: ReplayPlan, pageCount: number): Promise<(Uint8Array | undefined)[]> {
  const memory = new Array<Uint8Array | undefined>(pageCount);
  for (const s of await v.replaySteps(plan, 0, plan.steps.length)) for (const r of s.segment.records) memory[r.page] = r.sealed;
  return memory;
}

/** A full and `diffs` diffs of 2 pages each, stored and acknowledged. */
async function linear(diffs: number): Promise<{ v: Vault; card: CardModel; cn: string }> {
  const v = await freshFactory().open();
  const card = new CardModel();
  await store(v, card.next('full'));
  for (let i = 0; i < diffs; i++) await store(v, card.next('diff', 2));
  return { v, card, cn: card.cardNumber };
}

const keptLinks = async (v: Vault, card: string) => (await v.db.get('meta', linksKey(card))) as Links | undefined;

describe('replay plans', () => {
  it('follow baseSeq, not every seq: a branch left unacknowledged is not a step', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    await store(v, card.next('diff', [1]));
    // Seq 3 stored and acknowledged in the vault, but the card's next diff builds on seq 2
    // (as after a restore of seq 2): seq 4's chain is 1, 2, 4.
    await store(v, card.backup('diff', [2, 3]));
    await store(v, card.next('diff', [4]));
    const p = await replay(v, card.cardNumber, 4);
    expect(p.steps.map((s) => [s.seq, s.kind, s.baseSeq, s.pages])).toEqual([
      [1, 'full', 0, card.pageCount],
      [2, 'diff', 1, 1],
      [4, 'diff', 2, 1],
    ]);
    expect(p.pages).toBe(card.pageCount + 2);
    expect(p.sealedBytes).toBe(p.pages * (card.pageSize + 16));
    expect(await replayed(v, p, card.pageCount)).toEqual(card.points.get(4));
    expect((await replay(v, card.cardNumber, 3)).steps.map((s) => s.seq)).toEqual([1, 2, 3]);
    v.close();
  });

  it('plans without the packs; a missing or short pack is CORRUPT when its step is read', async () => {
    const { v, card } = await linear(4);
    await v.db.delete('packs', [card.cardNumber, 3]);
    const p = await replay(v, card.cardNumber, 5);
    expect(p.steps.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(await v.replaySteps(p, 0, 2)).toHaveLength(2);
    await expect(v.replaySteps(p, 2, 5)).rejects.toMatchObject({ code: 'CORRUPT', message: 'card 1234567890123456 seq 5: the pages stored by seq 3 are missing' });
    const pack = await v.db.get('packs', [card.cardNumber, 4]);
    if (!pack) throw new Error('no pack');
    await v.db.put('packs', { ...pack, sealed: pack.sealed.subarray(0, pack.sealed.length - 1) });
    await expect(v.replaySteps(p, 3, 4)).rejects.toMatchObject({ code: 'CORRUPT', message: expect.stringContaining('seq 4: its pack holds') });
    v.close();
  });

  it('keeps the links: a newer point appends them, a deleted step is MISSING_BASE, a base they lack makes them rebuild', async () => {
    const { v, card, cn } = await linear(4);
    expect((await replay(v, cn, 5)).steps).toHaveLength(5);
    expect(Array.from((await keptLinks(v, cn))?.seqs ?? [])).toEqual([1, 2, 3, 4, 5]);
    await store(v, card.next('diff', 2));
    expect((await replay(v, cn, 6)).steps.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from((await keptLinks(v, cn))?.seqs ?? [])).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await replayed(v, await replay(v, cn, 6), card.pageCount)).toEqual(card.points.get(6));

    // Links that lack a held row (as after an import brought it back): rebuilt, not MISSING_BASE.
    const rows = await v.db.getAll('backups');
    await v.db.put('meta', linksOf(rows.filter((r) => r.seq !== 3)), linksKey(cn));
    expect((await replay(v, cn, 6)).steps.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from((await keptLinks(v, cn))?.seqs ?? [])).toEqual([1, 2, 3, 4, 5, 6]);

    await v.deleteBackups(cn, [3]);
    await expect(replay(v, cn, 6)).rejects.toMatchObject({
      code: 'MISSING_BASE',
      message: 'cannot replay card 1234567890123456 seq 6: seq 3, the base of seq 4, is not in the vault (a compacted restore does not need it)',
    });
    expect((await v.restorePlan(cn, 6, 'compacted')).pages).toBe(card.pageCount);
    v.close();
  });

  it('a point whose kept entry disagrees with its row is planned from the rows (a discarded seq the card used again)', async () => {
    const { v, card, cn } = await linear(2);
    const rows = await v.db.getAll('backups');
    // Kept links that say seq 3 was a full carrying every page.
    const stale = linksOf(rows.map((r) => (r.seq === 3 ? { ...r, kind: 'full' as const, baseSeq: 0, pagesCarried: card.pageCount } : r)));
    await v.db.put('meta', stale, linksKey(cn));
    const p = await replay(v, cn, 3);
    expect(p.steps.map((s) => [s.seq, s.pages])).toEqual([
      [1, card.pageCount],
      [2, 2],
      [3, 2],
    ]);
    v.close();
  });

  it('a step whose row changed since the plan is refused when read (CONFLICT), and the next plan is right', async () => {
    const { v, card, cn } = await linear(3);
    const rows = await v.db.getAll('backups');
    // Kept links wrong about an inner step (seq 3 on seq 1): the walk cannot tell, the step read can.
    await v.db.put('meta', linksOf(rows.map((r) => (r.seq === 3 ? { ...r, baseSeq: 1 } : r))), linksKey(cn));
    const wrong = await replay(v, cn, 4);
    expect(wrong.steps.map((s) => s.seq)).toEqual([1, 3, 4]);
    await expect(v.replaySteps(wrong, 0, 3)).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('seq 3 is not the backup that was planned') });
    expect(await keptLinks(v, cn)).toBeUndefined();
    const right = await replay(v, cn, 4);
    expect(right.steps.map((s) => s.seq)).toEqual([1, 2, 3, 4]);
    expect(await replayed(v, right, card.pageCount)).toEqual(card.points.get(4));
    v.close();
  });
});
