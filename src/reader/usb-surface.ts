/**
 * The part of WebUSB's USBDevice the CCID driver uses, and nothing more, so that the
 * simulated reader can offer exactly this and a real USBDevice fits it unchanged.
 */
export interface UsbInResult {
  readonly status: 'ok' | 'stall' | 'babble';
  readonly data?: DataView | undefined;
}

export interface UsbOutResult {
  readonly status: 'ok' | 'stall' | 'babble';
  readonly bytesWritten: number;
}

export interface UsbControlSetup {
  requestType: 'standard' | 'class' | 'vendor';
  recipient: 'device' | 'interface' | 'endpoint' | 'other';
  request: number;
  value: number;
  index: number;
}

export interface UsbDeviceLike {
  readonly vendorId: number;
  readonly productId: number;
  readonly productName?: string | null | undefined;
  /** bcdDevice as WebUSB splits it (major.minor.subminor); absent on some fakes. */
  readonly deviceVersionMajor?: number | undefined;
  readonly deviceVersionMinor?: number | undefined;
  readonly deviceVersionSubminor?: number | undefined;
  readonly opened: boolean;
  readonly configuration: { readonly configurationValue: number } | null;
  open(): Promise<void>;
  close(): Promise<void>;
  selectConfiguration(configurationValue: number): Promise<void>;
  claimInterface(interfaceNumber: number): Promise<void>;
  controlTransferIn(setup: UsbControlSetup, length: number): Promise<UsbInResult>;
  /** Only ICCD readers need it (control transfers carry their messages). */
  controlTransferOut?(setup: UsbControlSetup, data?: Uint8Array<ArrayBuffer>): Promise<UsbOutResult>;
  transferIn(endpointNumber: number, length: number): Promise<UsbInResult>;
  transferOut(endpointNumber: number, data: Uint8Array<ArrayBuffer>): Promise<UsbOutResult>;
}

/** The `navigator.usb` surface the entry point uses. */
export interface UsbLike {
  requestDevice(options: { filters: Array<{ classCode?: number; vendorId?: number }> }): Promise<UsbDeviceLike>;
  addEventListener(type: 'disconnect', listener: (ev: { device: unknown }) => void): void;
  removeEventListener(type: 'disconnect', listener: (ev: { device: unknown }) => void): void;
}

export function bytesOf(r: UsbInResult): Uint8Array {
  const d = r.data;
  return d ? new Uint8Array(d.buffer.slice(d.byteOffset, d.byteOffset + d.byteLength)) : new Uint8Array(0);
}

/** bcdDevice (USB 2.0 §9.6.1), which some quirks depend on; undefined when unknown. */
export function bcdDevice(d: UsbDeviceLike): number | undefined {
  if (d.deviceVersionMajor === undefined) return undefined;
  return (d.deviceVersionMajor << 8) | ((d.deviceVersionMinor ?? 0) << 4) | (d.deviceVersionSubminor ?? 0);
}
