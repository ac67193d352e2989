/** The services the app starts with load the real ones on first use and pass their card events on. */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import type { CardEvent } from '../../src/ui/model.ts';
import { lazyServices } from '../../src/ui/services/lazy.ts';

describe('lazy services', () => {
  it('nothing is loaded before the first call; then they behave as the real ones, card events included', async () => {
    globalThis.indexedDB = new IDBFactory();
    const s = lazyServices(undefined);
    expect(s.demo()).toBeNull();
    const events: CardEvent['type'][] = [];
    s.onCardEvent((e) => events.push(e.type));
    expect(await s.connectDemo()).toEqual({ name: 'Demo reader', kind: 'demo' });
    expect((await s.readCard()).cardNumber).toBe('4900000000000001');
    const demo = s.demo();
    if (!demo) throw new Error('no demo controls after connecting the demo');
    await demo.loseCard();
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toContain('removed');
  });
});
