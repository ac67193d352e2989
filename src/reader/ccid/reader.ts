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
import { bytesOf } from '../usb-surface.ts';
import { mapClaimError, mapOpenError, mapTransferError } from '../webusb-errors.ts';
import { CcidPipe, type BusStats } from './pipe.ts';
import { quirkFor, type Quirk } from './quirks.ts';
import { CcidSlot } from './slot.ts';
import { SlotWatcher } from './slot-watcher.ts';

export interface OpenOptions {
  /** Poll interval when the reader has no interrupt endpoint (ms). */
  pollIntervalMs?: number;
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

  private constructor(
    readonly device: UsbDeviceLike,
    readonly iface: CcidInterface,
    private readonly pipe: CcidPipe,
    options: OpenOptions,
  ) {
    this.quirk = quirkFor(device.vendorId, device.productId);
    this.descriptor = this.quirk?.fix ? this.quirk.fix(iface.descriptor) : iface.descriptor;
    this.caps = capabilities(this.descriptor);
    const mutex = new Mutex();
    const deps = { pipe, mutex, caps: this.caps, clockKHz: this.descriptor.dwDefaultClock || 4000, minTimeoutMs: this.quirk?.minTimeoutMs ?? 0 };
    this.slots = Array.from({ length: this.caps.slots }, (_, i) => new CcidSlot(i, deps));
    const interruptIn = this.quirk?.noInterrupt ? undefined : iface.interruptIn?.number;
    this.watcher = new SlotWatcher(device, interruptIn, this.slots, pipe, mutex, options.pollIntervalMs ?? 500);
  }

  /** Open, read descriptors, claim. Throws ReaderError for every WebUSB refusal. */
  static async open(device: UsbDeviceLike, options: OpenOptions = {}): Promise<CcidReader> {
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
    const iface = found.value.find((i) => i.bulkIn && i.bulkOut);
    if (!iface) {
      const iccd = found.value.length > 0;
      throw new ReaderError(iccd ? 'UNSUPPORTED' : 'NOT_A_READER', iccd ? 'ICCD (control-transfer) readers are not supported' : 'no CCID interface');
    }
    try {
      await device.claimInterface(iface.interfaceNumber);
    } catch (e) {
      throw mapClaimError(e);
    }
    const readSize = Math.max(iface.descriptor.dwMaxCCIDMessageLength, 64);
    const pipe = new CcidPipe(device, (iface.bulkOut as { number: number }).number, (iface.bulkIn as { number: number }).number, readSize);
    const reader = new CcidReader(device, iface, pipe, options);
    reader.watcher.start();
    return reader;
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
