/** A real reader: the browser's WebUSB chooser, then the CCID driver (src/reader). */
import type { CcidReader } from '../../reader/ccid/reader.ts';
import type { UsbLike } from '../../reader/usb-surface.ts';
import { openReader, requestReader } from '../../reader/webusb.ts';

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
