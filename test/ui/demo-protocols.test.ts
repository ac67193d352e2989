/**
 * The demo reader's protocol picker (issue 13): the choice is remembered, becomes the demo
 * world's card protocols, and with any explicit choice the demo reader is a TPDU reader,
 * so the app's driver itself speaks the card's protocol: T=0 when the card offers T=0
 * alone, T=1 when it offers T=1, and the card reads through it.
 */
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readCard } from '../../src/host/card-read.ts';
import { connectCard, openReader } from '../../src/reader/webusb.ts';
import { DemoStore } from '../../src/ui/services/demo-store.ts';
import { DemoWorld, FIRST_DEMO_CARD } from '../../src/ui/services/demo-world.ts';
import { demoProtocolChoice, demoProtocolOptions, setDemoProtocolChoice, type DemoProtocolChoice } from '../../src/ui/services/demo-protocols.ts';
import { DEMO_PIN } from '../../src/ui/services/demo-pin.ts';

function memoryStorage() {
  const m = new Map<string, string>();
  return { getItem: (k: string) => m.get(k) ?? null, setItem: (k: string, v: string) => void m.set(k, v), removeItem: (k: string) => void m.delete(k), m };
}

async function world(choice: DemoProtocolChoice): Promise<DemoWorld> {
  const store = await DemoStore.open();
  await store.clear();
  return DemoWorld.load(store, demoProtocolOptions(choice));
}

describe('the demo reader\'s protocols', () => {
  it('remembers the choice; none (or an unknown one) is the APDU reader', () => {
    const s = memoryStorage();
    expect(demoProtocolChoice(s)).toBe('apdu');
    setDemoProtocolChoice('t0', s);
    expect(demoProtocolChoice(s)).toBe('t0');
    setDemoProtocolChoice('apdu', s);
    expect(s.m.size).toBe(0);
    s.setItem('icvault.demo.protocols', 'T=2');
    expect(demoProtocolChoice(s)).toBe('apdu');
    expect([demoProtocolOptions('apdu'), demoProtocolOptions('t1'), demoProtocolOptions('t0'), demoProtocolOptions('both')]).toEqual([{}, { protocols: [1] }, { protocols: [0] }, { protocols: [0, 1] }]);
  });

  for (const [choice, level, protocol] of [
    ['apdu', 'extended-apdu', 1],
    ['t1', 'tpdu', 1],
    ['t0', 'tpdu', 0],
  ] as const) {
    it(`${choice}: a ${level} reader, the card spoken to in T=${protocol}, and read through it`, async () => {
      const w = await world(choice);
      const reader = await openReader(w.reader);
      expect(reader.caps.level).toBe(level);
      const { transport, session } = await connectCard(reader);
      expect(session.protocol).toBe(protocol);
      expect((await readCard(transport, { pin: DEMO_PIN })).cardNumber).toBe(FIRST_DEMO_CARD);
      await reader.close();
    });
  }
});
