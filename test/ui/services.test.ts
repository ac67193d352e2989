/**
 * The real services (src/ui/services) in Node over fake-indexeddb: demo card in the
 * simulated USB reader, the host flows, the vault, demo persistence. The browser run of
 * the same story is e2e/story.spec.ts.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { TransferProgress } from '../../src/ui/model.ts';
import { createServices } from '../../src/ui/services/create.ts';
import { memoryKeyValue } from '../../src/ui/services/notes.ts';

const opts = () => ({ signal: new AbortController().signal, onProgress: (_p: TransferProgress) => undefined });
const field = (card: Awaited<ReturnType<ReturnType<typeof createServices>['readCard']>>, kind: string) =>
  card.apps.find((a) => a.kind === kind);

describe('services: demo story', () => {
  it('backs up, changes, diffs, survives a reload, restores onto a replacement card', async () => {
    const notes = memoryKeyValue();
    const s = createServices(undefined, { notes });
    await s.connectDemo();
    expect(await s.cardPresent()).toBe(true);
    const first = await s.readCard();
    expect(first.cardNumber).toBe('4900000000000001');
    expect(field(first, 'emoney')?.value).toEqual({ amount: 3200, unit: 'yen' });
    const wrong = await s.backup({ ...opts(), kind: 'auto', pin: '9999' }).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'pin-wrong', triesLeft: 2 });
    const full = await s.backup({ ...opts(), kind: 'auto', pin: '1234' });
    expect(full.kind).toBe('full');

    const d = s.demo();
    if (!d) throw new Error('no demo controls');
    await d.spend(500);
    await d.editRecord({ app: 'medical', field: 'allergy', value: 'cedar pollen' });
    const changed = await s.readCard();
    expect(changed.memory.changedCount).toBeGreaterThan(0);
    expect(changed.memory.changedPages.length).toBe(changed.memory.changedCount);
    const diff = await s.backup({ ...opts(), kind: 'auto', pin: '1234' });
    expect(diff.kind).toBe('diff');
    expect(await s.timelineCount(first.cardNumber)).toBe(2);

    // A reload: new services over the same IndexedDB.
    const s2 = createServices(undefined, { notes });
    await s2.connectDemo();
    const again = await s2.readCard();
    expect(field(again, 'emoney')?.value?.amount).toBe(2700);
    expect(field(again, 'medical')?.fields.map((f) => f.value).at(-1)).toContain('cedar pollen');
    expect(await s2.timelineCount(first.cardNumber)).toBe(2);

    const d2 = s2.demo();
    if (!d2) throw new Error('no demo controls');
    await d2.issueReplacementCard();
    const fresh = await s2.readCard();
    expect(fresh.cardNumber).toBe('4900000000000002');
    expect(await s2.defaultTimelineCard()).toBe(first.cardNumber);
    // A reload with the replacement in the reader: the lost card's backups are still the ones that fit.
    const s3 = createServices(undefined, { notes });
    await s3.connectDemo();
    expect((await s3.readCard()).cardNumber).toBe('4900000000000002');
    expect(await s3.defaultTimelineCard()).toBe(first.cardNumber);
    expect((await s3.vaultCards()).find((c) => c.cardNumber === first.cardNumber)).toMatchObject({ replacedByReader: true, inReader: false });
    await s3.disconnect();
    const r = await s2.restore({ ...opts(), sourceCard: first.cardNumber, seq: diff.seq, target: 'other', mode: 'compacted', pin: '1234' });
    // Protocol v2: a restore carries no value; the replacement keeps its own (zero) until the issuer re-issues the lost card's.
    expect(r.apps.find((a) => a.kind === 'emoney')).toEqual({ kind: 'emoney', valueReset: false, before: { amount: 0, unit: 'yen' }, discarded: null, after: { amount: 0, unit: 'yen' }, reissued: null });
    const restored = await s2.readCard();
    expect(restored.cardNumber).toBe('4900000000000002');
    expect(field(restored, 'emoney')?.value?.amount).toBe(0);
    for (const k of ['id', 'medical', 'credit']) expect(field(restored, k)?.fields).toEqual(field(again, k)?.fields);

    const report = await s2.verifyVault(null);
    expect(report.problems).toEqual([]);
    expect(report.checked).toBe(2);
  });
});
