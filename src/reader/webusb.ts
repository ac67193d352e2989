/**
 * The entry points the UI calls. `usb` is navigator.usb (or a fake in tests, or
 * undefined in a browser without WebUSB); the device may be a real USBDevice or the
 * simulated reader: the driver cannot tell them apart.
 *
 *   const device = await requestReader(navigator.usb);
 *   const reader = await openReader(device, { usb: navigator.usb });
 *   const { transport, session } = await connectCard(reader);
 *   const response = await transport.transmit(apdu);
 */
import type { Transport } from '../protocol/transport.ts';
import { CcidReader, type InterfaceChoice, type OpenOptions } from './ccid/reader.ts';
import type { SlotSession } from './ccid/slot.ts';
import { ReaderError } from './errors.ts';
import type { UsbDeviceLike, UsbLike } from './usb-surface.ts';
import { mapRequestError } from './webusb-errors.ts';
import { withIsoWrappers } from './wrappers/index.ts';

/** CCID interface class (CCID rev 1.1 §4.2); vendor-class readers are added by VID. */
export const READER_FILTERS: Array<{ classCode?: number; vendorId?: number }> = [{ classCode: 0x0b }];

export async function requestReader(usb: UsbLike | undefined, extraFilters: Array<{ classCode?: number; vendorId?: number }> = []): Promise<UsbDeviceLike> {
  if (!usb || typeof usb.requestDevice !== 'function') throw new ReaderError('NO_WEBUSB');
  try {
    return await usb.requestDevice({ filters: [...READER_FILTERS, ...extraFilters] });
  } catch (e) {
    throw mapRequestError(e);
  }
}

export interface OpenReaderOptions extends OpenOptions {
  /** navigator.usb: its 'disconnect' event for this device fails pending exchanges at once. */
  usb?: UsbLike;
}

export async function openReader(device: UsbDeviceLike, options: OpenReaderOptions = {}): Promise<CcidReader> {
  const reader = await CcidReader.open(device, options);
  const usb = options.usb;
  if (usb) {
    const onDisconnect = (ev: { device: unknown }) => {
      if (ev.device !== device) return;
      reader.disconnected();
      usb.removeEventListener('disconnect', onDisconnect);
    };
    usb.addEventListener('disconnect', onDisconnect);
  }
  return reader;
}

/**
 * The CCID interfaces of a device (some readers have a contact and a contactless one,
 * or several SAM slots, each its own interface). When more than one is usable, let the
 * user choose and pass `interfaceNumber` to openReader.
 */
export function listReaderInterfaces(device: UsbDeviceLike): Promise<InterfaceChoice[]> {
  return CcidReader.listInterfaces(device);
}

export type { InterfaceChoice };

/** Power the card in `slot` and return a Transport with the ISO wrappers around it. */
export async function connectCard(reader: CcidReader, slot = 0, signal?: AbortSignal): Promise<{ transport: Transport; session: SlotSession }> {
  const s = reader.slots[slot];
  if (!s) throw new RangeError(`reader has ${reader.slots.length} slot(s), no slot ${slot}`);
  const session = await s.connect(signal);
  return { transport: withIsoWrappers(s), session };
}
