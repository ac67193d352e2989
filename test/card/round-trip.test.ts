import { describe, expect, it } from 'vitest';
import { type SimCard } from '../../src/card-sim/index.ts';
import { createTestCard } from '../../test/support/card.ts';
import { select } from '../../src/protocol/commands/index.ts';
import { fromHex } from '../../src/protocol/bytes.ts';
import { authorise, pokeCommand, restorable, runBackup, runRestore, send, verify, type StoredBackup } from './helpers.ts';
import { pokeApp } from './poke-app.ts';

const AID = 'A0000009990299';

function cardOf(memorySize: number, pageSize: number, cardNumber: string, extendedLength = true): SimCard {
  const area = memorySize - 4 * pageSize - 2048 > 0 ? Math.min(60 * 1024, memorySize - 8 * Math.max(pageSize, 256)) : 1024;
  const card = createTestCard({ memorySize, pageSize, cardNumber, extendedLength, seed: `seed-${cardNumber}`, apps: [pokeApp(AID, area)] });
  card.powerOn();
  verify(card);
  expect(send(card, select.getApdu(fromHex(AID))).sw).toBe(0x9000);
  return card;
}

function poke(card: SimCard, offset: number, bytes: Uint8Array) {
  send(card, select.getApdu(fromHex(AID)));
  expect(send(card, pokeCommand(offset, bytes)).sw).toBe(0x9000);
}

const pattern = (n: number, k: number) => new Uint8Array(n).map((_, i) => (i * 7 + k) & 0xff);

describe.each([
  [8192, 64, true],
  [16384, 256, false],
  [65536, 256, true],
  [65536, 1024, false],
  [131072, 4096, true],
])('round trip, %i bytes in %i-byte pages (extended %s)', (memorySize, pageSize, ext) => {
  it('full -> change -> diff -> restore into the same card (compacted and replay) and a second card', () => {
    const a = cardOf(memorySize, pageSize, '4900000000000001', ext);
    poke(a, 0, pattern(700, 1));
    const full = runBackup(a, 'full');
    expect(full.header.seq).toBe(1);
    poke(a, 100, pattern(50, 2));
    poke(a, 2 * pageSize + 3, pattern(pageSize, 3));
    const diff = runBackup(a, 'diff');
    expect(diff.header).toMatchObject({ kind: 'diff', seq: 2, baseSeq: 1 });
    expect(diff.header.prevHash).toEqual(full.hash);
    expect(diff.header.recordCount).toBeLessThan(memorySize / pageSize);
    const atDiff = restorable(a);
    const chain: StoredBackup[] = [full, diff];

    // Change memory, then compacted restore of the newest point.
    poke(a, 0, pattern(900, 9));
    expect(restorable(a)).not.toEqual(atDiff);
    expect(runRestore(a, diff, chain)).toBe(0x9000);
    expect(restorable(a)).toEqual(atDiff);
    expect(a.inspect().changedPages).toEqual([]);
    expect(a.inspect().currentPoint).toBe(2);

    // Replay (claim 15): full, then the diff.
    poke(a, 10, pattern(300, 5));
    expect(runRestore(a, full, chain, { mode: 'replay' })).toBe(0x9000);
    expect(a.inspect().currentPoint).toBe(1);
    expect(runRestore(a, diff, chain, { mode: 'replay' })).toBe(0x9000);
    expect(restorable(a)).toEqual(atDiff);

    // From a wiped state: every byte of the application's area zeroed.
    const area = a.inspect().apTable[0]?.size ?? 0;
    for (let o = 0; o < area; o += 4096) poke(a, o, new Uint8Array(Math.min(4096, area - o)));
    expect(runRestore(a, diff, chain)).toBe(0x9000);
    expect(restorable(a)).toEqual(atDiff);

    // Older point, compacted.
    expect(runRestore(a, full, [full])).toBe(0x9000);
    expect(a.inspect().currentPoint).toBe(1);

    // A second card of the same issuer, with the issuer's authorisation.
    const b = cardOf(memorySize, pageSize, '4900000000000002', ext);
    expect(runRestore(b, diff, chain, { target: 'other', authorisation: authorise(diff, b) })).toBe(0x9000);
    expect(restorable(b)).toEqual(atDiff);
    const vb = b.inspect();
    expect(vb.cardNumber).toBe('4900000000000002');
    expect(vb.currentPoint).toBe(0); // next backup of b must be full
    expect(vb.apTable.every((e) => e.restoreExecuted)).toBe(true);
    expect(vb.loadHistory.entries.at(-1)).toMatchObject({ what: 'restore-full', aid: '' });
    // Replay onto a third card: the full, then the diff, each with its authorisation.
    const c = cardOf(memorySize, pageSize, '4900000000000003', ext);
    expect(runRestore(c, diff, chain, { target: 'other', mode: 'replay', authorisation: authorise(diff, c) })).toBe(0x6985);
    expect(runRestore(c, full, chain, { target: 'other', mode: 'replay', authorisation: authorise(full, c) })).toBe(0x9000);
    expect(runRestore(c, diff, chain, { target: 'other', mode: 'replay', authorisation: authorise(diff, c) })).toBe(0x9000);
    expect(restorable(c)).toEqual(atDiff);
    expect(c.inspect().loadHistory.entries.at(-1)).toMatchObject({ what: 'restore-diff' });
    // and b's own next backup is full and restores.
    const bFull = runBackup(b, 'full');
    expect(bFull.header.cardNumber).toBe('4900000000000002');
    poke(b, 0, pattern(10, 77));
    expect(runRestore(b, bFull, [bFull])).toBe(0x9000);
    expect(restorable(b)).toEqual(atDiff);
  });
});
