/**
 * Wrap a USB device to record every bulk/interrupt transfer, and to run a hook before
 * the n-th bulk transfer (fault injection from the test side, not inside the driver).
 */
import type { UsbDeviceLike, UsbInResult } from '../../src/reader/usb-surface.ts';

export interface Recorded {
  dir: 'out' | 'in';
  endpoint: number;
  bytes: Uint8Array;
}

export class SpyDevice implements UsbDeviceLike {
  log: Recorded[] = [];
  /** Bulk transfers started so far (OUT and IN). */
  bulkCount = 0;
  beforeBulk: ((index: number) => void) | undefined;

  constructor(
    readonly inner: UsbDeviceLike,
    private readonly interruptEndpoint = 3,
  ) {}

  get vendorId() {
    return this.inner.vendorId;
  }
  get productId() {
    return this.inner.productId;
  }
  get opened() {
    return this.inner.opened;
  }
  get configuration() {
    return this.inner.configuration;
  }
  open() {
    return this.inner.open();
  }
  close() {
    return this.inner.close();
  }
  selectConfiguration(v: number) {
    return this.inner.selectConfiguration(v);
  }
  claimInterface(n: number) {
    return this.inner.claimInterface(n);
  }
  controlTransferIn(setup: Parameters<UsbDeviceLike['controlTransferIn']>[0], length: number) {
    return this.inner.controlTransferIn(setup, length);
  }

  async transferOut(endpoint: number, data: Uint8Array<ArrayBuffer>) {
    this.beforeBulk?.(this.bulkCount);
    this.bulkCount++;
    this.log.push({ dir: 'out', endpoint, bytes: data.slice() });
    return this.inner.transferOut(endpoint, data);
  }

  async transferIn(endpoint: number, length: number): Promise<UsbInResult> {
    if (endpoint !== this.interruptEndpoint) {
      this.beforeBulk?.(this.bulkCount);
      this.bulkCount++;
    }
    const r = await this.inner.transferIn(endpoint, length);
    const d = r.data;
    this.log.push({ dir: 'in', endpoint, bytes: d ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength).slice() : new Uint8Array(0) });
    return r;
  }

  bulk(dir: 'out' | 'in'): Uint8Array[] {
    return this.log.filter((r) => r.dir === dir && r.endpoint !== this.interruptEndpoint).map((r) => r.bytes);
  }
}
