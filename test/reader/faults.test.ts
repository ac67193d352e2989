/**
 * Unplug and card removal at every bulk transfer of a multi-message exchange, at every
 * exchange level: the exchange ends in a clear ReaderError (never hangs), and the
 * driver works again after replug / reinsertion. Hung readers end by the driver's own
 * timeout (fake timers: no wall-clock assertions).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { command, encodeCommand } from '../../src/protocol/apdu.ts';
import { hex } from '../../src/protocol/bytes.ts';
import { isReaderError, ReaderError } from '../../src/reader/errors.ts';
import { simConfig, SimUsbReader, type SimReaderConfig } from '../../src/reader/sim-usb-reader/index.ts';
import type { UsbInResult } from '../../src/reader/usb-surface.ts';
import { connectCard, openReader } from '../../src/reader/webusb.ts';
import { SpyDevice } from './spy.ts';
import { atrWith, INS, pattern, TestCard } from './test-card.ts';

const levels: Array<[string, SimReaderConfig]> = [
  ['TPDU T=1', simConfig('tpdu-t1')],
  ['TPDU T=0', simConfig('tpdu-t0')],
  ['character T=0', simConfig('character-t0')],
  ['character T=1', simConfig('character-t1')],
  ['short APDU', simConfig('short-apdu')],
  ['extended APDU (chained messages)', simConfig('extended-apdu', { maxMessageLength: 271 })],
];

const read1000 = encodeCommand(command(0, INS.READ, 0x03, 0xe8, undefined, 1000));
const expected = hex(Uint8Array.from([...pattern(1000, 3), 0x90, 0x00]));

async function connected(config: SimReaderConfig) {
  const card = new TestCard(atrWith({ t0: config.level !== 'tpdu-t1' && config.level !== 'character-t1' }));
  const sim = new SimUsbReader(config);
  sim.insertCard(card);
  const spy = new SpyDevice(sim);
  const reader = await openReader(spy);
  const { transport } = await connectCard(reader);
  spy.bulkCount = 0;
  return { card, sim, spy, reader, transport };
}

async function failure(p: Promise<unknown>): Promise<ReaderError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof ReaderError) return e;
    throw e;
  }
  throw new Error('the exchange did not fail');
}

/** Bulk transfers a clean 1000-byte read takes at this level. */
async function transfersOfRead(config: SimReaderConfig): Promise<number> {
  const { spy, transport } = await connected(config);
  expect(hex(await transport.transmit(read1000))).toBe(expected);
  return spy.bulkCount;
}

describe.each(levels)('%s', (_name, config) => {
  it('a 1000-byte read takes several bulk transfers', async () => {
    expect(await transfersOfRead(config)).toBeGreaterThanOrEqual(4);
  });

  it('unplugged before any transfer of the exchange: DEVICE_GONE, then works after replug', async () => {
    const transfers = await transfersOfRead(config);
    for (let k = 0; k < transfers; k++) {
      const { sim, spy, transport } = await connected(config);
      spy.beforeBulk = (i) => {
        if (i === k) sim.unplug();
      };
      const e = await failure(transport.transmit(read1000));
      expect(e.code, `unplug before transfer ${k}`).toBe('DEVICE_GONE');
      // Everything after an unplug fails at once too.
      expect((await failure(transport.transmit(read1000))).code).toBe('DEVICE_GONE');
      sim.replug();
      const again = await openReader(sim);
      const { transport: t2 } = await connectCard(again);
      expect(hex(await t2.transmit(read1000))).toBe(expected);
    }
  });

  it('card pulled before any transfer of the exchange: CARD_REMOVED, then works after reinsertion', async () => {
    const transfers = await transfersOfRead(config);
    for (let k = 0; k < transfers; k++) {
      const { sim, spy, card, reader, transport } = await connected(config);
      spy.beforeBulk = (i) => {
        if (i === k) sim.removeCard();
      };
      const e = await failure(transport.transmit(read1000));
      expect(e.code, `removal before transfer ${k}`).toBe('CARD_REMOVED');
      expect((await failure(transport.transmit(read1000))).code).toBe('CARD_REMOVED');
      spy.beforeBulk = undefined;
      sim.insertCard(card);
      const { transport: t2 } = await connectCard(reader);
      expect(hex(await t2.transmit(read1000))).toBe(expected);
    }
  });
});

describe('a reader that stops answering', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  /** Bulk-IN reads started while `hang` is set complete only after release() (a wedged reader). */
  function wedge(spy: SpyDevice, sim: SimUsbReader) {
    let release = () => {};
    const gate = new Promise<void>((r) => (release = r));
    const state = { hang: false, release: () => release() };
    spy.transferIn = (ep: number, len: number): Promise<UsbInResult> =>
      state.hang && ep === 2 ? gate.then(() => sim.transferIn(ep, len)) : sim.transferIn(ep, len);
    return state;
  }

  it('fails with TIMEOUT after the ATR-derived timeout, and the next exchange works', async () => {
    const { sim, spy, transport } = await connected(simConfig('extended-apdu'));
    const state = wedge(spy, sim);
    vi.useFakeTimers();
    state.hang = true;
    const p = failure(transport.transmit(read1000));
    await vi.advanceTimersByTimeAsync(3000); // BWT for BWI 4 at 4 MHz is ~1.4 s, plus 1 s USB margin, at least 3 s
    expect((await p).code).toBe('TIMEOUT');
    state.hang = false;
    state.release();
    // The late answer to the abandoned command is discarded by bSeq.
    expect(hex(await transport.transmit(read1000))).toBe(expected);
  });

  it('fails with CARD_REMOVED as soon as the interrupt endpoint reports the removal', async () => {
    const { sim, spy, transport } = await connected(simConfig('extended-apdu'));
    const state = wedge(spy, sim);
    vi.useFakeTimers();
    state.hang = true;
    const p = failure(transport.transmit(read1000));
    await vi.advanceTimersByTimeAsync(0);
    sim.removeCard();
    await vi.advanceTimersByTimeAsync(0);
    expect((await p).code).toBe('CARD_REMOVED');
  });

  it("fails with DEVICE_GONE as soon as navigator.usb fires 'disconnect'", async () => {
    const sim = new SimUsbReader(simConfig('extended-apdu'));
    sim.insertCard(new TestCard());
    const spy = new SpyDevice(sim);
    const usb = new EventTarget();
    const fakeUsb = {
      requestDevice: async () => spy,
      addEventListener: (t: 'disconnect', l: (ev: { device: unknown }) => void) => usb.addEventListener(t, l as unknown as EventListener),
      removeEventListener: (t: 'disconnect', l: (ev: { device: unknown }) => void) => usb.removeEventListener(t, l as unknown as EventListener),
    };
    const reader = await openReader(spy, { usb: fakeUsb });
    const { transport } = await connectCard(reader);
    const state = wedge(spy, sim);
    vi.useFakeTimers();
    state.hang = true;
    const p = failure(transport.transmit(read1000));
    await vi.advanceTimersByTimeAsync(0);
    usb.dispatchEvent(Object.assign(new Event('disconnect'), { device: spy }));
    await vi.advanceTimersByTimeAsync(0);
    expect(isReaderError(await p, 'DEVICE_GONE')).toBe(true);
  });

  it('honours the caller abort signal', async () => {
    const { sim, spy, transport } = await connected(simConfig('tpdu-t1'));
    const state = wedge(spy, sim);
    state.hang = true;
    const ac = new AbortController();
    const p = failure(transport.transmit(read1000, { signal: ac.signal }));
    ac.abort();
    expect((await p).code).toBe('ABORTED');
  });
});
