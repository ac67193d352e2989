/**
 * The real services hold one reader session: connecting another reader lets go of what
 * the previous one held (the services' USB disconnect listener, the old link).
 * The reader itself (src/reader/webusb.ts openReader) adds one more listener that it
 * removes only on a disconnect event: counted separately here (reported to the reader's owner).
 */
import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { SimUsbReader } from '../../src/reader/sim-usb-reader/index.ts';
import type { UsbLike } from '../../src/reader/usb-surface.ts';
import { createServices } from '../../src/ui/services/create.ts';
import { memoryKeyValue } from '../../src/ui/services/notes.ts';

describe('one reader session', () => {
  it('a USB reader, then the demo: the USB disconnect listener is removed', async () => {
    globalThis.indexedDB = new IDBFactory();
    const listeners = new Set<unknown>();
    const usb: UsbLike = {
      requestDevice: async () => new SimUsbReader('extended-apdu'),
      addEventListener: (_t, l) => void listeners.add(l),
      removeEventListener: (_t, l) => void listeners.delete(l),
    };
    const s = createServices(usb, { notes: memoryKeyValue() });
    expect(await s.connectReader()).toMatchObject({ kind: 'usb' });
    const withUsb = listeners.size;
    expect(withUsb).toBe(2); // the services' and the reader's own
    expect(s.demo()).toBeNull();
    await s.connectDemo();
    expect(listeners.size).toBe(withUsb - 1);
    expect(s.demo()).not.toBeNull();
    await s.disconnect();
    expect(s.demo()).toBeNull();
  });

  it('disconnecting a USB reader removes its listener too', async () => {
    globalThis.indexedDB = new IDBFactory();
    const listeners = new Set<unknown>();
    const usb: UsbLike = {
      requestDevice: async () => new SimUsbReader('extended-apdu'),
      addEventListener: (_t, l) => void listeners.add(l),
      removeEventListener: (_t, l) => void listeners.delete(l),
    };
    const s = createServices(usb, { notes: memoryKeyValue() });
    await s.connectReader();
    const withUsb = listeners.size;
    await s.disconnect();
    expect(listeners.size).toBe(withUsb - 1);
  });
});
