/**
 * Backups of protocol versions 1 and 2 side by side: version 1 is kept, listed, planned
 * and exported (never dropped), flagged as not restorable into a version-2 card; a card
 * never mixes the two; a version-2 card cannot take over a version-1 card's history.
 */
import { describe, expect, it } from 'vitest';
import { V1_NOTE } from '../../src/vault/index.ts';
import { CardModel } from './card-model.ts';
import { exportV1 } from './export-v1.ts';
import { dump, freshFactory, refused, store } from './setup.ts';

describe('protocol versions in one vault', () => {
  it('keeps version-1 backups beside version-2 ones, flags them, and carries both through export and import', async () => {
    const v = await freshFactory().open();
    const old = new CardModel({ seed: 1, cardNumber: '1111222233334444' });
    const neu = new CardModel({ seed: 2, cardNumber: '5555666677778888', version: 2 });
    await store(v, old.next('full'));
    await store(v, old.next('diff', 3));
    await store(v, neu.next('full'));
    await store(v, neu.next('diff', 3));
    const t1 = await v.timeline(old.cardNumber);
    expect(t1.map((e) => [e.seq, e.version, e.note])).toEqual([
      [2, 1, V1_NOTE],
      [1, 1, V1_NOTE],
    ]);
    const t2 = await v.timeline(neu.cardNumber);
    expect(t2.map((e) => [e.seq, e.version, e.note])).toEqual([
      [2, 2, undefined],
      [1, 2, undefined],
    ]);
    const p1 = await v.restorePlan(old.cardNumber, 2, 'compacted');
    expect(p1).toMatchObject({ version: 1, note: 'version 1: cannot be restored into a version-2 card' });
    expect(p1.headerSignature).toBeUndefined();
    const p2 = await v.restorePlan(neu.cardNumber, 2, 'replay');
    expect(p2).toMatchObject({ version: 2 });
    expect(p2.headerSignature).toHaveLength(64);
    expect(p2.mode === 'replay' && (await v.replaySteps(p2, 0, p2.steps.length)).every((s) => s.headerSignature?.length === 64)).toBe(true);
    expect(p2.wrappedKey).toHaveLength(99);
    expect(await v.verify()).toEqual([]);

    const w = await freshFactory().open();
    expect(await w.importFile(await v.exportFile())).toMatchObject({ cards: 2, added: 4 });
    expect(await dump(w)).toEqual(await dump(v));
    expect((await w.timeline(old.cardNumber)).every((e) => e.note === V1_NOTE)).toBe(true);
    expect(await w.verify()).toEqual([]);
    v.close();
    w.close();
  });

  it('an old version-1 export file of a version-1 vault imports, flagged', async () => {
    const v = await freshFactory().open();
    const old = new CardModel({ seed: 3 });
    await store(v, old.next('full'));
    await store(v, old.next('diff', 2));
    const w = await freshFactory().open();
    await w.importFile(await exportV1(v.db));
    expect((await w.timeline(old.cardNumber)).map((e) => e.note)).toEqual([V1_NOTE, V1_NOTE]);
    expect(await w.verify()).toEqual([]);
    v.close();
    w.close();
  });

  it('a version-2 card with the number of a version-1 card held is refused, on commit and on import, with the vault unchanged', async () => {
    const v = await freshFactory().open();
    const old = new CardModel({ seed: 4 });
    await store(v, old.next('full'));
    const neu = new CardModel({ seed: 5, version: 2 });
    neu.next('full');
    const b = neu.next('diff', 2); // seq 2: newer than what the vault holds
    const before = await dump(v);
    expect(await refused(v.commitBackup(b.input))).toMatchObject({ code: 'CARD_MISMATCH', message: expect.stringContaining('is held as a protocol version 1 card') });
    const other = await freshFactory().open();
    await store(other, new CardModel({ seed: 5, version: 2 }).next('full'));
    expect(await refused(v.importFile(await other.exportFile()))).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('is held as a protocol version 1 card') });
    expect(await dump(v)).toEqual(before);
    v.close();
    other.close();
  });
});
