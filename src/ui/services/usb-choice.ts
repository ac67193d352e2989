/**
 * The CCID interfaces of the USB device the cardholder chose, as the connect screen lists
 * them when there are several (a contact slot and a contactless or SAM one, each its own
 * interface: 78 interfaces on 60 readers of libccid's list). One usable interface: no
 * question, it is used.
 */
import type { UsbInterfaceOption } from '../../reader/session-usb.ts';

export interface UsbInterfaceRow {
  interfaceNumber: number;
  /** The device's own name for it (iInterface), when the browser gives one. */
  name: string | null;
  /** How the reader exchanges with the card: 'character' | 'tpdu' | 'short-apdu' | 'extended-apdu'. */
  level: string;
  slots: number;
  /** Whether icvault's driver can use it (libccid's support: CCID, ICCD A/B). */
  usable: boolean;
}

export const interfaceRows = (options: readonly UsbInterfaceOption[]): UsbInterfaceRow[] =>
  options.map((o) => ({ interfaceNumber: o.interfaceNumber, name: o.name, level: o.level, slots: o.slots, usable: o.usable }));

/** The interface to use without asking (the only usable one, or none usable: the driver then says why), or null: ask. */
export function silentChoice(rows: readonly UsbInterfaceRow[]): { interfaceNumber: number | undefined } | null {
  const usable = rows.filter((r) => r.usable);
  if (usable.length > 1) return null;
  return { interfaceNumber: usable[0]?.interfaceNumber };
}
