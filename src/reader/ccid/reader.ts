/**
 * A CCID reader opened over WebUSB (or the simulated reader): reads its configuration
 * descriptor, claims the CCID interface, applies quirks, and offers its slots. Card
 * insertion and removal come from the interrupt endpoint (RDR_to_PC_NotifySlotChange,
 * CCID rev 1.1 §6.3.1), or from polling GetSlotStatus when there is none.
 */
import { capabilities, type CcidClassDescriptor, type ReaderCapabilities } from '../../protocol/ccid/class-descriptor.ts';
import { findCcidInterfaces, type CcidInterface } from '../../protocol/ccid/find-interface.ts';
import { parseConfigurationDescriptor } from '../../protocol/usb-descriptors.ts';
import { ReaderError } from '../errors.ts';
import { Mutex } from '../mutex.ts';
import type { UsbDeviceLike } from '../usb-surface.ts';
import { bcdDevice, bytesOf } from '../usb-surface.ts';
import { mapClaimError, mapOpenError, mapTransferError } from '../webusb-errors.ts';
import { IccdAPipe } from './iccd-a-pipe.ts';
import { IccdBPipe } from './iccd-pipe.ts';
import type { MessagePipe } from './message-pipe.ts';
import { CcidPipe, type BusStats } from './pipe.ts';
import { effectiveDescriptor, quirkFor, type Quirk } from './quirks.ts';
import { readSizeFor } from './sizes.ts';
import { CcidSlot } from './slot.ts';
import { SlotWatcher } from './slot-watcher.ts';
import { powerOnSequence } from './voltage.ts';

export interface OpenOptions {
  /** Poll interval when the reader has no interrupt endpoint (ms). */
  pollIntervalMs?: number;
  /**
   * Which CCID interface to open (bInterfaceNumber), for a device with several
   * (listInterfaces() says which); default: the first the driver can use.
   */
  interfaceNumber?: number;
}

/** One CCID interface of a device, as listInterfaces() reports it to the user. */
export interface InterfaceChoice {
  interfaceNumber: number;
  level: ReaderCapabilities['level'];
  slots: number;
  /** Whether the driver can open it; when not, why (ICCD, no bulk endpoints). */
  usable: boolean;
  reason?: string;
}

/**
 * ICCD (bInterfaceProtocol 1 = version A, 2 = version B) talks over control transfers,
 * as libccid: version A by iccd-a-pipe.ts (T=0 with status polling), version B by
 * iccd-pipe.ts. Any other bInterfaceProtocol is no protocol libccid knows.
 */
function unusableReason(i: CcidInterface): string | undefined {
  if (i.interfaceProtocol === 1 || i.interfaceProtocol === 2) return undefined;
  if (i.interfaceProtocol !== 0) return `interface ${i.interfaceNumber} has bInterfaceProtocol ${i.interfaceProtocol}, neither CCID (0) nor ICCD (1, 2): this reader is not supported`;
  if (!i.bulkIn || !i.bulkOut) return `interface ${i.interfaceNumber} has no bulk endpoints: this reader is not supported`;
  return undefined;
}

function choice(i: CcidInterface): InterfaceChoice {
  const reason = unusableReason(i);
  const caps = capabilities(i.descriptor);
  return { interfaceNumber: i.interfaceNumber, level: caps.level, slots: caps.slots, usable: reason === undefined, ...(reason ? { reason } : {}) };
}

/**
 * Open the device, select its configuration if none is, read the configuration
 * descriptor (USB 2.0 §9.6: WebUSB does not expose class descriptors) and find its CCID
 * and ICCD interfaces. Every WebUSB refusal or malformed descriptor is a ReaderError.
 */
async function readCcidInterfaces(device: UsbDeviceLike): Promise<CcidInterface[]> {
  try {
    if (!device.opened) await device.open();
  } catch (e) {
    throw mapOpenError(e);
  }
  let raw: Uint8Array;
  try {
    if (device.configuration === null) await device.selectConfiguration(1);
    raw = await readConfigurationDescriptor(device);
  } catch (e) {
    throw mapTransferError(e);
  }
  const cfg = parseConfigurationDescriptor(raw);
  if (!cfg.ok) throw new ReaderError('NOT_A_READER', cfg.error.message, { cause: cfg.error });
  const found = findCcidInterfaces(cfg.value);
  if (!found.ok) throw new ReaderError('NOT_A_READER', found.error.message, { cause: found.error });
  return found.value;
}

/** GET_DATA_RATES (CCID rev 1.1 §5.3.3): the reader's table, or undefined (libccid get_data_rates()). */
async function readDataRates(device: UsbDeviceLike, iface: CcidInterface): Promise<number[] | undefined> {
  const n = iface.descriptor.bNumDataRatesSupported;
  if (n === 0) return undefined;
  let r;
  try {
    r = await device.controlTransferIn({ requestType: 'class', recipient: 'interface', request: 0x03, value: 0, index: iface.interfaceNumber }, n * 4);
  } catch (e) {
    const mapped = mapTransferError(e);
    if (mapped.code === 'DEVICE_GONE') throw mapped;
    return undefined; // no table: libccid goes on with dwMaxDataRate alone
  }
  const b = bytesOf(r);
  if (r.status !== 'ok' || b.length === 0 || b.length % 4 !== 0) return undefined;
  const rates: number[] = [];
  for (let o = 0; o < Math.min(b.length, n * 4); o += 4) rates.push(((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0);
  return rates;
}

/** GET_DESCRIPTOR(CONFIGURATION 0): 9 bytes first for wTotalLength, then all (USB 2.0 §9.4.3). */
async function readConfigurationDescriptor(device: UsbDeviceLike): Promise<Uint8Array> {
  const get = async (length: number) => {
    const r = await device.controlTransferIn({ requestType: 'standard', recipient: 'device', request: 6, value: 0x0200, index: 0 }, length);
    if (r.status !== 'ok') throw new ReaderError('TRANSFER_ERROR', `GET_DESCRIPTOR answered ${r.status}`);
    return bytesOf(r);
  };
  const head = await get(9);
  const total = ((head[2] ?? 0) | ((head[3] ?? 0) << 8)) || 9;
  return get(total);
}

export class CcidReader {
  readonly slots: CcidSlot[];
  readonly caps: ReaderCapabilities;
  readonly descriptor: CcidClassDescriptor;
  readonly quirk: Quirk | undefined;
  readonly watcher: SlotWatcher;
  /** The reader's data-rate table after quirks, or undefined when it declares none. */
  readonly dataRates: readonly number[] | undefined;
  /** The other CCID interfaces of the device, for a chooser. */
  readonly interfaces: readonly InterfaceChoice[];

  private constructor(
    readonly device: UsbDeviceLike,
    readonly iface: CcidInterface,
    private readonly pipe: MessagePipe,
    setup: { quirk: Quirk | undefined; descriptor: CcidClassDescriptor; dataRates: number[] | undefined; interfaces: InterfaceChoice[] },
    options: OpenOptions,
  ) {
    this.quirk = setup.quirk;
    this.descriptor = setup.descriptor;
    this.dataRates = setup.dataRates;
    this.interfaces = setup.interfaces;
    this.caps = capabilities(this.descriptor);
    const mutex = new Mutex();
    const clockKHz = this.descriptor.dwDefaultClock || 4000;
    const deps = {
      pipe,
      mutex,
      caps: this.caps,
      clockKHz,
      minTimeoutMs: this.quirk?.minTimeoutMs ?? 0,
      speed: { clockKHz, maxDataRate: this.descriptor.dwMaxDataRate, dataRates: this.dataRates },
      voltages: powerOnSequence(this.descriptor.dwFeatures, this.descriptor.bVoltageSupport),
      noPps: this.quirk?.noPps ?? false,
      declaredMessageLength: Math.min(iface.descriptor.dwMaxCCIDMessageLength, this.descriptor.dwMaxCCIDMessageLength),
      iccdA: iface.interfaceProtocol === 1,
    };
    this.slots = Array.from({ length: this.caps.slots }, (_, i) => new CcidSlot(i, deps));
    const interruptIn = iface.interruptIn?.number;
    this.watcher = new SlotWatcher(device, interruptIn, this.slots, pipe, mutex, options.pollIntervalMs ?? 500);
  }

  /** Open, read descriptors, claim. Throws ReaderError for every WebUSB refusal. */
  static async open(device: UsbDeviceLike, options: OpenOptions = {}): Promise<CcidReader> {
    const found = await readCcidInterfaces(device);
    if (found.length === 0) throw new ReaderError('NOT_A_READER', 'no CCID interface');
    const interfaces = found.map(choice);
    const wanted = options.interfaceNumber;
    const iface = wanted === undefined ? found.find((i) => !unusableReason(i)) : found.find((i) => i.interfaceNumber === wanted);
    if (!iface) {
      if (wanted !== undefined) throw new ReaderError('NOT_A_READER', `no CCID interface ${wanted} (the device has ${interfaces.map((i) => i.interfaceNumber).join(', ')})`);
      throw new ReaderError('UNSUPPORTED', interfaces.map((i) => i.reason).join('; '));
    }
    const refused = unusableReason(iface);
    if (refused) throw new ReaderError('UNSUPPORTED', refused);
    try {
      await device.claimInterface(iface.interfaceNumber);
    } catch (e) {
      throw mapClaimError(e);
    }
    const quirk = quirkFor(device.vendorId, device.productId);
    const descriptor = effectiveDescriptor(iface.descriptor, quirk, bcdDevice(device), iface.interfaceProtocol);
    let dataRates = await readDataRates(device, iface);
    if (dataRates && quirk?.maxTableRate !== undefined) dataRates = dataRates.filter((r) => r <= (quirk.maxTableRate as number));
    // Sized after the quirks, for the largest answer this level can produce (sizes.ts).
    let pipe: MessagePipe;
    if (iface.interfaceProtocol === 1) {
      pipe = new IccdAPipe(device, iface.interfaceNumber);
    } else if (iface.interfaceProtocol === 2) {
      pipe = new IccdBPipe(device, iface.interfaceNumber);
    } else {
      const readSize = readSizeFor(capabilities(descriptor), iface.bulkIn?.maxPacketSize ?? 64);
      pipe = new CcidPipe(device, (iface.bulkOut as { number: number }).number, (iface.bulkIn as { number: number }).number, readSize);
    }
    const reader = new CcidReader(device, iface, pipe, { quirk, descriptor, dataRates, interfaces }, options);
    reader.watcher.start();
    return reader;
  }

  /** The CCID interfaces of a device, so the user can choose one (OpenOptions.interfaceNumber). */
  static async listInterfaces(device: UsbDeviceLike): Promise<InterfaceChoice[]> {
    return (await readCcidInterfaces(device)).map(choice);
  }

  get stats(): BusStats {
    return this.pipe.stats;
  }

  get alive(): boolean {
    return this.pipe.alive;
  }

  /** The app calls this from navigator.usb's 'disconnect' event: every wait fails now. */
  disconnected(): void {
    this.pipe.kill(new ReaderError('DEVICE_GONE', 'disconnect event'));
    this.watcher.stop();
  }

  async close(): Promise<void> {
    this.watcher.stop();
    this.pipe.kill(new ReaderError('DEVICE_GONE', 'reader closed'));
    try {
      await this.device.close();
    } catch {
      // already gone: nothing to release
    }
  }
}
