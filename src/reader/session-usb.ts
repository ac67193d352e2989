/** A real reader for a session: the browser's WebUSB chooser, then the CCID driver, and the disconnect listener the session removes when it lets the reader go. */
import type { CcidReader } from './ccid/reader.ts';
import type { UsbLike } from './usb-surface.ts';
import { openReader, requestReader } from './webusb.ts';

export interface UsbReader {
  reader: CcidReader;
  name: string;
  /** Stop listening for the browser's disconnect event. */
  stop(): void;
}

/** `onGone` runs when the browser says the reader was unplugged. */
export async function connectUsbReader(usb: UsbLike | undefined, onGone: () => void): Promise<UsbReader> {
  const device = await requestReader(usb);
  const reader = await openReader(device, usb ? { usb } : {});
  const onDisconnect = (ev: { device: unknown }) => {
    if (ev.device === device) onGone();
  };
  usb?.addEventListener('disconnect', onDisconnect);
  const name = device.productName || 'USB card reader';
  return { reader, name, stop: () => usb?.removeEventListener('disconnect', onDisconnect) };
}
