/**
 * The demo world over fake-indexeddb: the sample card opens with the demo issuer's
 * loads (value enters only by load token), and a demo card saved by an earlier card
 * layout does not stop the demo from starting.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { DemoStore } from '../../src/ui/services/demo-store.ts';
import { DemoWorld, FIRST_DEMO_CARD } from '../../src/ui/services/demo-world.ts';
import { encodeCommand } from '../../src/protocol/apdu.ts';
import { APP_AID, emoneyReadBalance, emoneyReadLog } from '../../src/protocol/commands/apps/index.ts';
import { select } from '../../src/protocol/commands/index.ts';
import { createSimCard, loadSimCard } from '../../src/card-sim/index.ts';
import { defaultApplications } from '../../src/card-sim/apps/index.ts';
import { parseAtr } from '../../src/protocol/atr.ts';

async function freshStore(): Promise<DemoStore> {
  const store = await DemoStore.open();
  await store.clear();
  return store;
}

describe('demo world', () => {
  it('the sample card holds ¥3,200 loaded by one token of the demo issuer, logged as a load', async () => {
    const store = await freshStore();
    await DemoWorld.load(store);
    const bytes = await store.card(FIRST_DEMO_CARD);
    if (!bytes) throw new Error('the sample card was not saved');
    const card = loadSimCard(bytes, { apps: defaultApplications() });
    card.powerOn();
    select.parseResponse(card.transmit(encodeCommand(select.getApdu(APP_AID.emoney))));
    expect(emoneyReadBalance.parseResponse(card.transmit(encodeCommand(emoneyReadBalance.getApdu())))).toBe(3200);
    const log = emoneyReadLog.parseResponse(card.transmit(encodeCommand(emoneyReadLog.getApdu())));
    expect(log.map((e) => [e.kind, e.amount])).toEqual([['load', 3200]]);
  });

  it('a demo card saved by an earlier layout is replaced by a fresh sample card, not an error', async () => {
    const store = await freshStore();
    await store.save({ inReader: FIRST_DEMO_CARD, replaced: null, issued: [FIRST_DEMO_CARD] }, [[FIRST_DEMO_CARD, Uint8Array.of(0x49, 0x43, 0x53, 0x43, 1, 0, 1, 0, 0)]]);
    const world = await DemoWorld.load(store);
    expect(world.hasCard).toBe(true);
    const bytes = await store.card(FIRST_DEMO_CARD);
    expect(bytes && loadSimCard(bytes, { apps: defaultApplications() })).toBeTruthy();
  });

  it('a saved card of the same layout that answers nothing (a version-1 identity block) is replaced too', async () => {
    const store = await freshStore();
    // A card whose identity block this card OS does not read: here, one never personalised.
    const dead = createSimCard({ rootPublicKey: new Uint8Array(32).fill(1), apps: defaultApplications() });
    await store.save({ inReader: FIRST_DEMO_CARD, replaced: null, issued: [FIRST_DEMO_CARD] }, [[FIRST_DEMO_CARD, dead.save()]]);
    await DemoWorld.load(store);
    const bytes = await store.card(FIRST_DEMO_CARD);
    if (!bytes) throw new Error('no card saved');
    expect(loadSimCard(bytes, { apps: defaultApplications() }).inspect()).toMatchObject({ initialised: true, cardNumber: FIRST_DEMO_CARD });
  });
});

describe('demo world: the demo reader\'s card protocols (issue 13)', () => {
  const offered = async (options: Parameters<typeof DemoWorld.load>[1]): Promise<number[]> => {
    const world = await DemoWorld.load(await freshStore(), options);
    // The world's card is private: this test reads it to see the ATR the reader will get.
    const card = (world as unknown as { card: { card: { powerOn(): Uint8Array } } }).card.card;
    const atr = parseAtr(card.powerOn());
    if (!atr.ok) throw new Error(`the demo card's ATR does not parse: ${atr.error.message}`);
    return atr.value.protocols;
  };
  it('offers T=1 by default, T=0 alone or both when asked', async () => {
    expect(await offered(undefined)).toEqual([1]);
    expect(await offered({ protocols: [0] })).toEqual([0]);
    expect(await offered({ protocols: [0, 1] })).toEqual([0, 1]);
  });
});
