/**
 * The interface chooser's logic (issue 13): a device's CCID interfaces as the connect
 * screen lists them, asked only when more than one is usable, and the choice reaching the
 * driver (the simulated reader serves one interface; the others are only listed).
 */
import { describe, expect, it } from 'vitest';
import { simClassDescriptor, simConfig, SimUsbReader } from '../../src/reader/sim-usb-reader/index.ts';
import { connectUsbReader, pickUsbDevice } from '../../src/reader/session-usb.ts';
import type { UsbLike } from '../../src/reader/usb-surface.ts';
import { interfaceRows, silentChoice, type UsbInterfaceRow } from '../../src/ui/services/usb-choice.ts';

const row = (interfaceNumber: number, usable: boolean): UsbInterfaceRow => ({ interfaceNumber, name: null, level: 'tpdu', slots: 1, usable });
const usbOf = (device: SimUsbReader): UsbLike => ({ requestDevice: async () => device, addEventListener: () => undefined, removeEventListener: () => undefined });

/** A device with a TPDU interface 0 and, served, a short-APDU interface 2 (an ICCD-less dual reader's shape). */
function dual(): SimUsbReader {
  const other = simConfig('tpdu-t1');
  return new SimUsbReader(simConfig('short-apdu', { interfaceNumber: 2, otherInterfaces: [{ number: 0, interfaceClass: 0x0b, interfaceProtocol: 0, endpoints: 'bulk+interrupt', descriptor: simClassDescriptor(other) }] }));
}

describe('the USB interface chooser', () => {
  it('asks only when more than one interface is usable', () => {
    expect(silentChoice([row(0, true)])).toEqual({ interfaceNumber: 0 });
    expect(silentChoice([row(0, false), row(1, true)])).toEqual({ interfaceNumber: 1 });
    expect(silentChoice([row(0, false)])).toEqual({ interfaceNumber: undefined });
    expect(silentChoice([row(0, true), row(1, true)])).toBeNull();
  });

  it('lists every CCID interface of the device with its level and slots', async () => {
    const picked = await pickUsbDevice(usbOf(dual()));
    expect(interfaceRows(picked.interfaces)).toEqual([
      { interfaceNumber: 0, name: null, level: 'tpdu', slots: 1, usable: true },
      { interfaceNumber: 2, name: null, level: 'short-apdu', slots: 1, usable: true },
    ]);
  });

  it('opens the interface chosen, not the first', async () => {
    const device = dual();
    const picked = await pickUsbDevice(usbOf(device));
    const r = await connectUsbReader(usbOf(device), () => undefined, { device: picked.device, interfaceNumber: 2 });
    expect(r.reader.iface.interfaceNumber).toBe(2);
    await r.reader.close();
    // Without a choice the driver takes the first usable one, which this device does not serve.
    const again = dual();
    await expect(connectUsbReader(usbOf(again), () => undefined, { device: again })).rejects.toMatchObject({ name: 'ReaderError' });
  });
});
