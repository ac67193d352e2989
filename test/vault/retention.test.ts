import { describe, expect, it } from 'vitest';
import { decideRetention, isoWeek, type CompactedPlan } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { dump, freshFactory, packOf, store } from './setup.ts';

const H = 3_600_000;
const D = 24 * H;

describe('decideRetention', () => {
  it('names ISO weeks across year ends', () => {
    expect(isoWeek(Date.UTC(2024, 0, 1))).toBe('2024-W01');
    expect(isoWeek(Date.UTC(2021, 0, 1))).toBe('2020-W53');
    expect(isoWeek(Date.UTC(2024, 11, 30))).toBe('2025-W01');
  });

  it('keeps the last n, the newest of each of the last days/weeks/months, and says why', () => {
    const t0 = Date.UTC(2024, 0, 1, 10); // a Monday
    // two backups a day for 40 days
    const backups = Array.from({ length: 80 }, (_, i) => ({ seq: i + 1, date: t0 + Math.floor(i / 2) * D + (i % 2) * H, confirmed: true }));
    const d = decideRetention(backups, { keepLast: 3, daily: 2, weekly: 2, monthly: 2 }, 80);
    const kept = new Map(d.keep.map((k) => [k.seq, k.reasons]));
    expect([...kept.keys()]).toEqual([80, 79, 78, 70, 62]);
    expect(kept.get(80)).toEqual(['newest verified point', 'last 3 (#1)', 'newest of day 2024-02-09', 'newest of week 2024-W06', 'newest of month 2024-02']);
    expect(kept.get(78)).toEqual(['last 3 (#3)', 'newest of day 2024-02-08']);
    expect(kept.get(70)).toEqual(['newest of week 2024-W05']); // Sunday 4 February
    expect(kept.get(62)).toEqual(['newest of month 2024-01']);
    expect(d.remove).toHaveLength(75);
    expect(d.remove[0]).toEqual({ seq: 77, date: backups[76]?.date, reason: 'kept by no rule of the policy' });
  });

  it('never removes unacknowledged backups or the newest verified point, and refuses an empty policy', () => {
    const b = [1, 2, 3, 4].map((seq) => ({ seq, date: seq * D, confirmed: seq !== 4 }));
    const d = decideRetention(b, { keepLast: 1 }, 2);
    expect(d.keep.map((k) => [k.seq, k.reasons])).toEqual([
      [4, ['not acknowledged by the card yet']],
      [3, ['last 1 (#1)']],
      [2, ['newest verified point']],
    ]);
    expect(() => decideRetention(b, {}, 2)).toThrow(RangeError);
    expect(() => decideRetention(b, { daily: -1 }, 2)).toThrow(RangeError);
  });
});

describe('vault retention', () => {
  it('a dry run deletes nothing; the real run deletes exactly what it announced and every kept point still restores', async () => {
    const v = await freshFactory().open();
    const card = new CardModel({ startDate: Date.UTC(2024, 2, 1, 9) });
    await store(v, card.next('full'));
    for (let i = 0; i < 29; i++) await store(v, card.next('diff', 4, { date: Date.UTC(2024, 2, 1, 9) + (i + 1) * 8 * H }));
    const before = await dump(v);
    const policy = { keepLast: 2, daily: 3, weekly: 1 };
    const [dry] = await v.retention(policy, { dryRun: true });
    expect(await dump(v)).toEqual(before);
    expect(dry?.remove.length).toBeGreaterThan(0);
    const [real] = await v.retention(policy);
    expect(real?.remove).toEqual(dry?.remove);
    expect(real?.packsCollected).toBeGreaterThan(0);
    const left = (await v.timeline(card.cardNumber)).map((e) => e.seq);
    expect(left).toEqual(dry?.keep.map((k) => k.seq));
    expect(await v.verify()).toEqual([]);
    for (const seq of left) {
      const plan = (await v.restorePlan(card.cardNumber, seq, 'compacted')) as CompactedPlan;
      const got = new Array<Uint8Array>(card.pageCount);
      for (const s of plan.segments) for (const r of s.records) got[r.page] = r.sealed;
      expect(got).toEqual(card.points.get(seq));
    }
    // no pack is left that no kept backup or manifest uses
    const used = new Set<number>(left);
    for (const m of await v.db.getAll('manifests')) for (const s of m.seqs) used.add(s);
    // and the uses rows say the same as the manifests
    expect((await v.db.getAll('uses')).map((u) => [u.seq, u.packs.length])).toEqual((await v.db.getAll('manifests')).map((m) => [m.seq, new Set(m.seqs).size]));
    expect(new Set((await v.db.getAllKeys('packs')).map((k) => k[1]))).toEqual(used);
    v.close();
  });

  it('collects exactly the packs nothing names, also when the points naming one are not a run of seqs (a branch left unacknowledged)', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    await store(v, card.next('diff', [0]));
    const branch = card.backup('diff', [0]); // seq 3 on seq 2, never acknowledged: it replaces page 0
    await v.commitBackup(branch.input);
    await store(v, card.next('diff', [1])); // seq 4, again on seq 2: takes page 0 from pack 2
    const packs = async () => (await v.db.getAllKeys('packs')).map((k) => k[1]);
    // pack 2 is named by points 2 and 4, not 3: deleting 2 keeps it
    expect(await v.deleteBackups(card.cardNumber, [2])).toEqual({ backups: 1, packsCollected: 0 });
    expect(await packs()).toEqual([1, 2, 3, 4]);
    expect(await v.discardBackup(card.cardNumber, 3)).toEqual({ backups: 1, packsCollected: 1 });
    expect(await packs()).toEqual([1, 2, 4]);
    expect(await v.verify()).toEqual([]);
    // the last point naming pack 2 goes: pack 2 and 4 go with it, pack 1 stays for point 1
    expect(await v.deleteBackups(card.cardNumber, [4])).toEqual({ backups: 1, packsCollected: 2 });
    expect(await packs()).toEqual([1]);
    expect(await v.verify()).toEqual([]);
    const plan = (await v.restorePlan(card.cardNumber, 1, 'compacted')) as CompactedPlan;
    expect(plan.pages).toBe(card.pageCount);
    v.close();
  });

  it('keeps the newest verified point when the newest backup is damaged', async () => {
    const v = await freshFactory().open();
    const card = new CardModel();
    await store(v, card.next('full'));
    for (let i = 0; i < 4; i++) await store(v, card.next('diff', [i + 1]));
    // the pages only the newest backup carried (page 4) go missing
    await v.db.delete('packs', await packOf(v, card.cardNumber, 5, 4));
    const [r] = await v.retention({ keepLast: 1 });
    expect(r?.keep.map((k) => [k.seq, k.reasons])).toEqual([
      [5, ['last 1 (#1)']],
      [4, ['newest verified point']],
    ]);
    expect((await v.timeline(card.cardNumber)).map((e) => e.seq)).toEqual([5, 4]);
    v.close();
  });
});
