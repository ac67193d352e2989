import { describe, expect, it, vi } from 'vitest';
import { isReaderError } from '../errors.ts';
import type { SmartCardContext, SmartCardReaderStateIn, SmartCardReaderStateOut, SmartCardResourceManager } from './api.ts';
import { smartCardApi } from './api.ts';
import { fromSmartCardError, SMART_CARD_ERRORS } from './errors.ts';
import { listSmartCardReaders, openSmartCardReader, watchSmartCardReaders } from './source.ts';

/** A card that answers every command with its INS byte and 90 00 (T=1 ATR with extended length). */
const createSimCard = (_o: { seed: string }) => ({
  powerOn: () => Uint8Array.of(0x3b, 0x80, 0x80, 0x01, 0x01),
  transmit: (apdu: Uint8Array) => Uint8Array.of(apdu[1] ?? 0, 0x90, 0x00),
});

const scError = (responseCode: string) => Object.assign(new Error(`SCARD ${responseCode}`), { name: 'SmartCardError', responseCode });

/** A PC/SC-like fake: readers with an optional card; getStatusChange resolves on a change. */
function fakeApi(readers: Record<string, ReturnType<typeof createSimCard> | undefined>, activeProtocol: 't0' | 't1' | 'raw' | 'unsaid' = 't1') {
  const log: string[] = [];
  let count = 0;
  const waiters: Array<() => void> = [];
  const held = new Set<string>();
  const state = (name: string): SmartCardReaderStateOut => {
    const card = readers[name];
    return {
      readerName: name,
      eventState: card ? { present: true, exclusive: held.has(name) } : { empty: true },
      eventCount: count,
      ...(card ? { answerToReset: card.powerOn().slice().buffer } : {}),
    };
  };
  const ctx: SmartCardContext = {
    listReaders: async () => Object.keys(readers),
    async getStatusChange(states: SmartCardReaderStateIn[], options) {
      for (;;) {
        const now = states.map((s) => state(s.readerName));
        const changed = states.some((s, i) => s.currentState.unaware || (s.currentCount ?? -1) !== (now[i]?.eventCount ?? -2));
        if (changed || options?.timeout === 0) return now;
        await new Promise<void>((resolve, reject) => {
          waiters.push(resolve);
          if (options?.timeout !== undefined) setTimeout(() => reject(new DOMException('no change', 'TimeoutError')), options.timeout);
          options?.signal?.addEventListener('abort', () => reject(Object.assign(new Error('aborted'), { name: 'AbortError' })));
        });
      }
    },
    async connect(name, mode, options) {
      log.push(`connect ${name} ${mode} ${options?.preferredProtocols?.join(',') ?? ''}`);
      const card = readers[name];
      if (!card) throw scError('no-smartcard');
      if (held.has(name)) throw scError('sharing-violation');
      held.add(name);
      return {
        ...(activeProtocol !== 'unsaid' ? { activeProtocol } : {}),
        connection: {
          transmit: async (apdu) => {
            if (!readers[name]) throw scError('removed-card');
            return card.transmit(new Uint8Array(apdu as ArrayBuffer)).slice().buffer;
          },
          status: async () => ({ readerName: name, state: 'specific' }),
          disconnect: async (d) => {
            log.push(`disconnect ${d ?? ''}`);
            held.delete(name);
          },
        },
      };
    },
  };
  const api: SmartCardResourceManager = { establishContext: async () => ctx };
  return {
    api,
    log,
    set(name: string, card: ReturnType<typeof createSimCard> | undefined) {
      readers[name] = card;
      count++;
      for (const w of waiters.splice(0)) w();
    },
  };
}

describe('smartCardApi', () => {
  it('finds navigator.smartCard only when it has establishContext', () => {
    expect(smartCardApi({})).toBeUndefined();
    expect(smartCardApi({ smartCard: {} })).toBeUndefined();
    const sc = { establishContext: async () => ({}) };
    expect(smartCardApi({ smartCard: sc })).toBe(sc);
  });
});

describe('openSmartCardReader', () => {
  it('lists readers, connects exclusive (T=1 then T=0) to the first with a card, carries APDUs, resets on disconnect', async () => {
    const f = fakeApi({ 'Empty Reader 00 00': undefined, 'Virtual PCD 00 00': createSimCard({ seed: 'sc' }) });
    expect(await listSmartCardReaders(f.api)).toEqual([
      { name: 'Empty Reader 00 00', cardPresent: false, busy: false },
      { name: 'Virtual PCD 00 00', cardPresent: true, busy: false },
    ]);
    const s = await openSmartCardReader(f.api);
    expect(s.reader).toBe('Virtual PCD 00 00');
    expect(s.atr[0]).toBe(0x3b);
    expect(s.protocol).toBe('T=1');
    const answer = await s.transport.transmit(Uint8Array.of(0x80, 0xca, 0x01, 0x01, 0x00));
    expect(answer.slice(-2)).toEqual(Uint8Array.of(0x90, 0x00));
    // Exclusive: a second session on the same reader is refused by "PC/SC".
    const second = await openSmartCardReader(f.api, { reader: 'Virtual PCD 00 00' }).catch((e: unknown) => e);
    expect(isReaderError(second, 'INTERFACE_BUSY')).toBe(true);
    expect((second as Error).message).toMatch(/another program is using this reader \(sharing-violation\)/);
    await s.disconnect();
    expect(f.log).toEqual(['connect Virtual PCD 00 00 exclusive t1,t0', 'connect Virtual PCD 00 00 exclusive t1,t0', 'disconnect reset']);
    await expect(s.transport.transmit(Uint8Array.of(0, 0xa4, 4, 0))).rejects.toThrow(/transmit after disconnect/);
  });

  it('names the protocol PC/SC connected with: T=0, T=1, or none for raw or an unsaid one', async () => {
    const said = async (p: 't0' | 't1' | 'raw' | 'unsaid') => {
      const s = await openSmartCardReader(fakeApi({ R: createSimCard({ seed: 'p' }) }, p).api);
      await s.disconnect();
      return s.protocol;
    };
    expect([await said('t0'), await said('t1'), await said('raw'), await said('unsaid')]).toEqual(['T=0', 'T=1', null, null]);
  });

  it('follows the listed readers: a card put in and taken out is told each time, until the watch is stopped', async () => {
    const f = fakeApi({ A: undefined, B: createSimCard({ seed: 'w' }) });
    // Each time the watch waits on PC/SC (a getStatusChange with no timeout), the test moves a card.
    let waited = () => undefined as void;
    const api: SmartCardResourceManager = {
      establishContext: async () => {
        const ctx = await f.api.establishContext();
        return {
          ...ctx,
          getStatusChange: (states, options) => {
            const answer = ctx.getStatusChange(states, options);
            if (options?.timeout === undefined) waited();
            return answer;
          },
        };
      },
    };
    const seen: string[] = [];
    const stop = new AbortController();
    const moves = [() => f.set('A', createSimCard({ seed: 'w2' })), () => f.set('B', undefined)];
    const done = new Promise<void>((res) => {
      waited = () => {
        const move = moves.shift();
        if (move) move();
        else res();
      };
    });
    const watching = watchSmartCardReaders(api, (rs) => seen.push(rs.map((r) => `${r.name}:${r.cardPresent ? 'card' : 'empty'}`).join(' ')), stop.signal);
    await done;
    stop.abort();
    await expect(watching).resolves.toBeUndefined();
    expect(seen).toEqual(['A:card B:card', 'A:card B:empty']);
  });

  it('waits for a card when asked, and reports its removal; a transmit then fails as CARD_REMOVED', async () => {
    const f = fakeApi({ R: undefined });
    await expect(openSmartCardReader(f.api)).rejects.toMatchObject({ code: 'NO_CARD' });
    const opening = openSmartCardReader(f.api, { waitForCardMs: 5_000 });
    setTimeout(() => f.set('R', createSimCard({ seed: 'late' })), 20);
    const s = await opening;
    expect(s.reader).toBe('R');
    let gone = false;
    void s.removed.then(() => (gone = true));
    f.set('R', undefined);
    await s.removed;
    expect(gone).toBe(true);
    await expect(s.transport.transmit(Uint8Array.of(0x80, 0xca, 0x01, 0x01, 0x00))).rejects.toMatchObject({ code: 'CARD_REMOVED' });
  });

  it('a wait for a card that runs out is NO_CARD', async () => {
    await expect(openSmartCardReader(fakeApi({ R: undefined }).api, { waitForCardMs: 30 })).rejects.toMatchObject({ code: 'NO_CARD', message: expect.stringMatching(/no card came within 30 ms/) });
  });

  it('no reader, or an unknown reader name, is DEVICE_GONE naming it', async () => {
    await expect(openSmartCardReader(fakeApi({}).api)).rejects.toThrow(/no smart-card reader is connected/);
    await expect(openSmartCardReader(fakeApi({ A: undefined }).api, { reader: 'B' })).rejects.toThrow(/no reader named "B"/);
  });
});

describe('fromSmartCardError', () => {
  it('maps every SmartCardError responseCode to a code and plain words, keeping the cause', () => {
    for (const [rc, m] of Object.entries(SMART_CARD_ERRORS)) {
      const cause = scError(rc);
      const e = fromSmartCardError(cause, 'connect');
      expect(e.code).toBe(m.code);
      expect(e.message).toContain(m.words);
      expect(e.message).toContain(`(${rc})`);
      expect(e.cause).toBe(cause);
    }
    expect(Object.keys(SMART_CARD_ERRORS)).toHaveLength(17);
  });

  it('maps the API\'s DOMExceptions and anything else', () => {
    expect(fromSmartCardError(Object.assign(new Error('x'), { name: 'NotAllowedError' }), 'establishContext').code).toBe('ACCESS_DENIED');
    expect(fromSmartCardError(Object.assign(new Error('x'), { name: 'AbortError' }), 'getStatusChange').code).toBe('ABORTED');
    expect(fromSmartCardError(new Error('odd'), 'transmit').message).toMatch(/READER_FAILED.*transmit: odd/);
  });
});

describe('smartCardSource (session-sources.ts)', () => {
  it('opens the card exclusive as a CardSource, tells its removal, and resets it on close', async () => {
    const { smartCardSource } = await import('../session-sources.ts');
    const f = fakeApi({ 'Virtual PCD 00 00': createSimCard({ seed: 'src' }) });
    const source = smartCardSource(f.api);
    const events: unknown[] = [];
    source.onChange((e) => events.push(e));
    expect(source.protocol?.()).toBeNull();
    const t = await source.openCard();
    expect(source.protocol?.()).toBe('T=1');
    expect((await t.transmit(Uint8Array.of(0x80, 0xca, 0x01, 0x01, 0x00))).slice(-2)).toEqual(Uint8Array.of(0x90, 0x00));
    f.set('Virtual PCD 00 00', undefined);
    await new Promise((r) => setTimeout(r, 0));
    await new Promise((r) => setTimeout(r, 0));
    expect(events).toEqual([{ type: 'removed' }]);
    f.set('Virtual PCD 00 00', createSimCard({ seed: 'src2' }));
    await source.openCard();
    await source.close();
    expect(f.log).toEqual(['connect Virtual PCD 00 00 exclusive t1,t0', 'disconnect reset', 'connect Virtual PCD 00 00 exclusive t1,t0', 'disconnect reset']);
  });

  it('a named reader: after the removal PC/SC\'s status changes are watched and the card coming back is told as inserted', async () => {
    const { smartCardSource } = await import('../session-sources.ts');
    const f = fakeApi({ 'Virtual PCD 00 00': createSimCard({ seed: 'src' }) });
    const source = smartCardSource(f.api, 'Virtual PCD 00 00');
    const events: unknown[] = [];
    source.onChange((e) => events.push(e));
    await source.openCard();
    f.set('Virtual PCD 00 00', undefined);
    await vi.waitFor(() => expect(events).toEqual([{ type: 'removed' }]));
    f.set('Virtual PCD 00 00', createSimCard({ seed: 'back' }));
    await vi.waitFor(() => expect(events).toEqual([{ type: 'removed' }, { type: 'inserted' }]));
    const t = await source.openCard();
    expect((await t.transmit(Uint8Array.of(0x80, 0xca, 0x01, 0x01, 0x00))).slice(-2)).toEqual(Uint8Array.of(0x90, 0x00));
    await source.close();
  });
});
