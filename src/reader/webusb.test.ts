/** WebUSB edges: each DOMException name a browser gives becomes a ReaderError with its code (the app words it: test/ui/i18n.test.ts). */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ReaderError } from './errors.ts';
import { quirkFor } from './ccid/quirks.ts';
import { SimUsbReader, simConfig } from './sim-usb-reader/index.ts';
import type { UsbDeviceLike, UsbLike } from './usb-surface.ts';
import { connectCard, openReader, requestReader } from './webusb.ts';

const card = () => ({ powerOn: () => Uint8Array.of(0x3b, 0x00), transmit: () => Uint8Array.of(0x90, 0x00), powerOff: () => undefined });

function fakeUsb(requestDevice: () => Promise<UsbDeviceLike>): UsbLike {
  return { requestDevice, addEventListener: () => undefined, removeEventListener: () => undefined };
}

async function codeOf(p: Promise<unknown>): Promise<ReaderError> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  if (!(e instanceof ReaderError)) throw new Error(`expected a ReaderError, got ${String(e)}`);
  return e;
}

/** The simulated reader with one method made to fail as Chrome does. */
function failing(method: 'open' | 'claimInterface', name: string, message: string): UsbDeviceLike {
  const sim = new SimUsbReader('short-apdu');
  sim[method] = () => Promise.reject(new DOMException(message, name));
  return sim;
}

describe('requestReader', () => {
  it('no WebUSB in this browser', async () => {
    const e = await codeOf(requestReader(undefined));
    expect(e.code).toBe('NO_WEBUSB');
  });
  it('chooser closed without a choice (NotFoundError)', async () => {
    const e = await codeOf(requestReader(fakeUsb(() => Promise.reject(new DOMException('No device selected.', 'NotFoundError')))));
    expect(e.code).toBe('CHOOSER_CANCELLED');
    expect(e.cause).toBeInstanceOf(DOMException);
  });
  it('asks for CCID-class devices', async () => {
    const seen: unknown[] = [];
    const sim = new SimUsbReader();
    await requestReader({ ...fakeUsb(async () => sim), requestDevice: async (o) => (seen.push(o), sim) });
    expect(seen).toEqual([{ filters: [{ classCode: 0x0b }] }]);
  });
});

describe('openReader', () => {
  it('claimInterface SecurityError: the protected CCID class, and what works instead', async () => {
    const e = await codeOf(openReader(failing('claimInterface', 'SecurityError', 'The requested interface implements a protected class.')));
    expect(e.code).toBe('PROTECTED_CLASS');
    expect(e.cause).toBeInstanceOf(DOMException);
  });
  it('claimInterface NetworkError: pcscd holds the reader', async () => {
    const e = await codeOf(openReader(failing('claimInterface', 'NetworkError', 'Unable to claim interface.')));
    expect(e.code).toBe('INTERFACE_BUSY');
    expect(e.cause).toBeInstanceOf(DOMException);
  });
  it('open SecurityError "Access denied.": the udev rule to add', async () => {
    const e = await codeOf(openReader(failing('open', 'SecurityError', 'Access denied.')));
    expect(e.code).toBe('ACCESS_DENIED');
    expect(e.cause).toBeInstanceOf(DOMException);
  });
  it('a device without a CCID interface', async () => {
    const sim = new SimUsbReader();
    sim.controlTransferIn = async () => ({ status: 'ok', data: new DataView(Uint8Array.of(9, 2, 9, 0, 0, 1, 0, 0x80, 50).buffer) });
    expect((await codeOf(openReader(sim))).code).toBe('NOT_A_READER');
  });
  it('no card in the reader', async () => {
    const reader = await openReader(new SimUsbReader());
    expect((await codeOf(connectCard(reader))).code).toBe('NO_CARD');
  });
});

describe('reader kinds', () => {
  it('a vendor-class (0xFF) reader with a CCID descriptor works', async () => {
    const sim = new SimUsbReader(simConfig('short-apdu', { interfaceClass: 0xff }));
    sim.insertCard(card());
    const { transport } = await connectCard(await openReader(sim));
    expect([...(await transport.transmit(Uint8Array.of(0, 0xa4, 0, 0)))]).toEqual([0x90, 0x00]);
  });
  it('a two-slot reader: cards in either slot, one exchange at a time', async () => {
    const sim = new SimUsbReader(simConfig('extended-apdu', { slots: 2 }));
    sim.insertCard(card(), 1);
    const reader = await openReader(sim);
    expect(reader.slots).toHaveLength(2);
    expect((await codeOf(connectCard(reader, 0))).code).toBe('NO_CARD');
    const { transport } = await connectCard(reader, 1);
    const all = await Promise.all([1, 2, 3].map(() => transport.transmit(Uint8Array.of(0, 0xa4, 0, 0))));
    expect(all.map((r) => r.length)).toEqual([2, 2, 2]);
  });
  it('the quirk table follows libccid: KOBIL TriBank is driven at short APDU level; OMNIKEY 076B:3022 has no entry', async () => {
    const sim = new SimUsbReader(simConfig('extended-apdu', { vendorId: 0x0d46, productId: 0x3010 }));
    expect(quirkFor(0x076b, 0x3022)).toBeUndefined();
    const reader = await openReader(sim);
    expect(reader.caps.level).toBe('short-apdu');
    expect(reader.descriptor.dwFeatures & 0x70000).toBe(0x20000);
  });
});

describe('slot changes without an interrupt endpoint', () => {
  afterEach(() => {
    vi.useRealTimers();
  });
  it('polls GetSlotStatus while someone listens', async () => {
    vi.useFakeTimers();
    const sim = new SimUsbReader(simConfig('short-apdu', { interrupt: false }));
    const reader = await openReader(sim, { pollIntervalMs: 100 });
    expect(reader.watcher.polling).toBe(true);
    const events: string[] = [];
    const stop = reader.watcher.onChange((e) => events.push(`${e.type}@${e.slot}`));
    await vi.advanceTimersByTimeAsync(100);
    sim.insertCard(card());
    await vi.advanceTimersByTimeAsync(100);
    sim.removeCard();
    await vi.advanceTimersByTimeAsync(100);
    stop();
    expect(events).toEqual(['inserted@0', 'removed@0']);
  });
});
