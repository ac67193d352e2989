// The host's flows (src/host) through the whole real stack: BridgeTransport -> WebSocket
// -> bridge -> libpcsclite -> pcscd -> vsmartcard-vpcd -> the simulated card. Full
// backup, differential backup, then the card is swapped in the reader for another card
// of the same issuer and the last point is restored onto it (cross-card restore).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backup, restore } from '../../src/host/index.ts';
import { CARD_A, CARD_B, changeRandomPages, demoAuthority, makeCard, PIN, poke, restorable, rng, vaultFactory } from '../host/fixture.ts';
import type { Bridge } from '../../tools/bridge/server.ts';
import { openApp, startTestBridge } from './bridge-harness.ts';
import { startPcscStack, type PcscStack } from './daemons.ts';

const cardA = makeCard(CARD_A);
let stack: PcscStack;
let bridge: Bridge;
beforeAll(async () => {
  stack = await startPcscStack(cardA);
  bridge = await startTestBridge(stack.reader);
});
afterAll(async () => {
  await stack?.stop(); // pcscd first, see bridge.pcsc.ts
  await bridge?.close();
});

describe('host flows through the PC/SC bridge and real pcscd', () => {
  it('full backup, differential backup, and restore onto another card', async () => {
    const vault = await vaultFactory().open();
    const app = await openApp(bridge);
    const a = await app.connectCard(stack.reader);
    expect(a.transport.limits.extendedLength).toBe(true);

    const full = await backup(a.transport, vault, { pin: PIN, kind: 'full', date: 1_000 });
    expect([full.seq, full.kind, full.pages, full.row.confirmed]).toEqual([1, 'full', 256, true]);

    poke(cardA, 100, new Uint8Array(40).fill(0xab));
    changeRandomPages(cardA, rng(11), 5);
    const changed = cardA.inspect().changedPages.length;
    const diff = await backup(a.transport, vault, { pin: PIN, kind: 'diff', date: 2_000 });
    expect([diff.seq, diff.kind, diff.pages]).toEqual([2, 'diff', changed]);
    expect(cardA.inspect().changedPages).toEqual([]);
    const atDiff = restorable(cardA);
    await app.disconnectCard();

    // The cardholder takes card A out and puts a replacement card B in.
    const cardB = makeCard(CARD_B);
    await stack.insertCard(cardB);
    for (let i = 0; i < 100 && !(await app.listReaders()).some((r) => r.name === stack.reader && r.cardPresent); i++)
      await new Promise((r) => setTimeout(r, 50));
    const b = await app.connectCard(stack.reader);
    const r = await restore(b.transport, vault, { pin: PIN, card: CARD_A, seq: 2, target: 'other', authority: demoAuthority });
    expect(r.targetCard).toBe(CARD_B);
    expect(restorable(cardB)).toEqual(atDiff);
    expect(cardB.inspect().cardNumber).toBe(CARD_B);
    await app.close();
    vault.close();
  });
});
