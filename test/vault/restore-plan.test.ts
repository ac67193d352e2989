import { describe, expect, it } from 'vitest';
import type { CompactedPlan, ReplayPlan } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { freshFactory, store } from './setup.ts';

describe('restorePlan', () => {
  it('compacted and replay on 1 full + 200 diffs give exactly the point, checked against a model', async () => {
    const v = await freshFactory().open();
    const card = new CardModel({ seed: 42 });
    await store(v, card.next('full'));
    for (let i = 0; i < 200; i++) await store(v, card.next('diff', 1 + card.rng.int(8)));
    for (const seq of [201, 137, 2, 1]) {
      const want = card.points.get(seq) as Uint8Array[];
      const map = card.maps.get(seq) as Uint32Array;
      const c = (await v.restorePlan(card.cardNumber, seq, 'compacted')) as CompactedPlan;
      expect(c.mode).toBe('compacted');
      expect(c.fields.seq).toBe(seq);
      const seen = new Array<boolean>(card.pageCount).fill(false);
      let lastSeq = 0;
      for (const s of c.segments) {
        expect(s.seq).toBeGreaterThan(lastSeq);
        lastSeq = s.seq;
        const pages = s.records.map((r) => r.page);
        expect(pages).toEqual([...pages].sort((a, b) => a - b));
        for (const r of s.records) {
          expect(seen[r.page]).toBe(false);
          seen[r.page] = true;
          expect(s.seq).toBe(map[r.page]);
          expect(r.sealed).toEqual(want[r.page]);
          expect(s.kind).toBe(s.seq === 1 ? 'full' : 'diff');
        }
      }
      expect(seen.every(Boolean)).toBe(true);
      expect(c.pages).toBe(card.pageCount);

      const r = (await v.restorePlan(card.cardNumber, seq, 'replay')) as ReplayPlan;
      expect(r.steps.map((s) => s.seq)).toEqual(Array.from({ length: seq }, (_, i) => i + 1));
      const memory = new Array<Uint8Array | undefined>(card.pageCount);
      // Read in uneven batches, as the host does: the same records whatever the cut.
      for (let from = 0; from < r.steps.length; from += 7) {
        const got = await v.replaySteps(r, from, Math.min(from + 7, r.steps.length));
        expect(got.map((s) => s.seq)).toEqual(r.steps.slice(from, from + 7).map((s) => s.seq));
        for (const step of got) for (const rec of step.segment.records) memory[rec.page] = rec.sealed;
      }
      expect(memory).toEqual(want);
      expect(r.pages).toBe(r.steps.reduce((n, s) => n + s.pages, 0));
    }
    v.close();
  });

  it('a compacted plan survives deletion of the backups it came from; replay names the missing base', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    for (let i = 0; i < 5; i++) await store(v, card.next('diff', 5));
    await v.deleteBackups(card.cardNumber, [1, 2, 3]);
    const c = (await v.restorePlan(card.cardNumber, 5, 'compacted')) as CompactedPlan;
    const got = new Array<Uint8Array>(card.pageCount);
    for (const s of c.segments) for (const r of s.records) got[r.page] = r.sealed;
    expect(got).toEqual(card.points.get(5));
    await expect(v.restorePlan(card.cardNumber, 5, 'replay')).rejects.toMatchObject({ code: 'MISSING_BASE', message: expect.stringContaining('seq 3') });
    await expect(v.restorePlan(card.cardNumber, 2, 'compacted')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    v.close();
  });

  it('names the point and the backup whose pages are missing', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    await store(v, card.next('diff', [3]));
    const pack = await v.db.get('packs', [card.cardNumber, 2]);
    if (!pack) throw new Error('no pack');
    await v.db.put('packs', { ...pack, pages: Uint32Array.of(4) });
    await expect(v.restorePlan(card.cardNumber, 2, 'compacted')).rejects.toMatchObject({
      code: 'CORRUPT',
      message: 'card 1234567890123456 seq 2 page 3: the copy from seq 2 is missing from its pack',
    });
    await v.db.delete('packs', [card.cardNumber, 1]);
    await expect(v.restorePlan(card.cardNumber, 2, 'compacted')).rejects.toMatchObject({ code: 'CORRUPT', message: 'card 1234567890123456 seq 2: the pages stored by seq 1 are missing' });
    v.close();
  });
});
