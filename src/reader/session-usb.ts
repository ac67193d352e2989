/**
 * A real reader for a session: the browser's WebUSB chooser, then (when the device has
 * several CCID interfaces, e.g. a contact slot and a contactless or SAM one, each its own
 * interface) the cardholder's choice of interface, then the CCID driver; and the
 * disconnect listener the session removes when it lets the reader go.
 */
import type { CcidReader } from './ccid/reader.ts';
import type { UsbDeviceLike, UsbLike } from './usb-surface.ts';
import { listReaderInterfaces, openReader, requestReader, type InterfaceChoice } from './webusb.ts';

export interface UsbReader {
  reader: CcidReader;
  name: string;
  /** Stop listening for the browser's disconnect event. */
  stop(): void;
}

/** One CCID interface of the chosen device, with the name the device gives it (iInterface, as WebUSB reports it), if any. */
export interface UsbInterfaceOption extends InterfaceChoice {
  name: string | null;
}

/** A device the cardholder chose in the browser's chooser, not opened for a session yet. */
export interface PickedUsbDevice {
  device: UsbDeviceLike;
  /** The device's product name. */
  name: string;
  interfaces: UsbInterfaceOption[];
}

/** WebUSB's USBInterface.alternate.interfaceName (iInterface); not part of UsbDeviceLike, so read with care. */
function interfaceName(device: UsbDeviceLike, n: number): string | null {
  const ifaces = (device.configuration as { interfaces?: Array<{ interfaceNumber?: number; alternate?: { interfaceName?: string | null } }> } | null)?.interfaces;
  const name = ifaces?.find((i) => i.interfaceNumber === n)?.alternate?.interfaceName;
  return typeof name === 'string' && name.trim() !== '' ? name.trim() : null;
}

const productName = (device: UsbDeviceLike) => device.productName || 'USB card reader';

/** The browser's chooser, then the CCID interfaces of the device chosen (listReaderInterfaces). */
export async function pickUsbDevice(usb: UsbLike | undefined): Promise<PickedUsbDevice> {
  const device = await requestReader(usb);
  const interfaces = await listReaderInterfaces(device);
  return { device, name: productName(device), interfaces: interfaces.map((i) => ({ ...i, name: interfaceName(device, i.interfaceNumber) })) };
}

/**
 * `onGone` runs when the browser says the reader was unplugged. `picked`: a device already
 * chosen (pickUsbDevice) and the interface the cardholder chose (default: the first the
 * driver can use); without it, the browser's chooser opens now.
 */
export async function connectUsbReader(usb: UsbLike | undefined, onGone: () => void, picked?: { device: UsbDeviceLike; interfaceNumber?: number }): Promise<UsbReader> {
  const device = picked?.device ?? (await requestReader(usb));
  const wanted = picked?.interfaceNumber;
  const reader = await openReader(device, { ...(usb ? { usb } : {}), ...(wanted !== undefined ? { interfaceNumber: wanted } : {}) });
  const onDisconnect = (ev: { device: unknown }) => {
    if (ev.device === device) onGone();
  };
  usb?.addEventListener('disconnect', onDisconnect);
  // A device with several interfaces: say which one is in use.
  const iface = reader.interfaces.length > 1 ? interfaceName(device, reader.iface.interfaceNumber) : null;
  return { reader, name: iface ?? productName(device), stop: () => usb?.removeEventListener('disconnect', onDisconnect) };
}
