/**
 * What both ICCD versions share (USB ICCD rev 1.0): one slot, spoken through class
 * requests on the control pipe of one interface. The pipe's life (dead once the device is
 * gone), the message sequence number the slot expects back, the bus counters, and the two
 * control transfers with their errors. iccd-pipe.ts (version B) and iccd-a-pipe.ts
 * (version A) add the requests of their version.
 */
import { ReaderError } from '../errors.ts';
import { bytesOf, type UsbDeviceLike } from '../usb-surface.ts';
import type { BusStats } from './pipe.ts';

export abstract class IccdControlPipe {
  protected dead: ReaderError | undefined;
  private seq = 0;
  readonly stats: BusStats = { transfers: 0, bytesOut: 0, bytesIn: 0 };

  constructor(
    protected readonly device: UsbDeviceLike,
    protected readonly interfaceNumber: number,
  ) {}

  get alive(): boolean {
    return this.dead === undefined;
  }

  kill(error: ReaderError): void {
    this.dead = error;
  }

  interrupt(): void {
    // One slot, and every wait is a short control transfer: nothing is left waiting.
  }

  /** Throws if the pipe is dead; otherwise the next message's sequence number. */
  protected nextSeq(): number {
    if (this.dead) throw this.dead;
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    return seq;
  }

  protected async out(request: number, value: number, data: Uint8Array): Promise<void> {
    const send = this.device.controlTransferOut;
    if (!send) throw new ReaderError('UNSUPPORTED', 'this browser cannot send USB control transfers with data, which ICCD readers need');
    const r = await send.call(this.device, { requestType: 'class', recipient: 'interface', request, value, index: this.interfaceNumber }, data as Uint8Array<ArrayBuffer>);
    this.stats.transfers++;
    this.stats.bytesOut += data.length;
    if (r.status !== 'ok') throw new ReaderError('TRANSFER_ERROR', `ICCD request 0x${request.toString(16)} answered ${r.status}`);
  }

  protected async in(request: number, length: number): Promise<Uint8Array> {
    const r = await this.device.controlTransferIn({ requestType: 'class', recipient: 'interface', request, value: 0, index: this.interfaceNumber }, length);
    const b = bytesOf(r);
    this.stats.transfers++;
    this.stats.bytesIn += b.length;
    if (r.status !== 'ok') throw new ReaderError('TRANSFER_ERROR', `ICCD request 0x${request.toString(16)} answered ${r.status}`);
    return b;
  }
}
