/**
 * Card insertion and removal. With an interrupt endpoint the reader tells us
 * (RDR_to_PC_NotifySlotChange, CCID rev 1.1 §6.3.1); without one, GetSlotStatus is
 * polled while someone listens (§6.1.3). A removal fails the exchange waiting on that
 * slot at once, instead of letting it run into its timeout.
 */
import { decodeInterrupt } from '../../protocol/ccid/interrupt.ts';
import { decodeStatus } from '../../protocol/ccid/rdr-to-pc.ts';
import { ReaderError } from '../errors.ts';
import type { Mutex } from '../mutex.ts';
import { bytesOf, type UsbDeviceLike } from '../usb-surface.ts';
import type { MessagePipe } from './message-pipe.ts';
import type { CcidSlot } from './slot.ts';
import { DEFAULT_TIMEOUT_MS } from './timeouts.ts';

export type SlotEvent =
  | { type: 'inserted' | 'removed'; slot: number }
  | { type: 'hardware-error'; slot: number; code: number };

export class SlotWatcher {
  private running = false;
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly listeners = new Set<(e: SlotEvent) => void>();

  constructor(
    private readonly device: UsbDeviceLike,
    private readonly interruptIn: number | undefined,
    private readonly slots: readonly CcidSlot[],
    private readonly pipe: MessagePipe,
    private readonly mutex: Mutex,
    private readonly pollIntervalMs: number,
  ) {}

  get polling(): boolean {
    return this.interruptIn === undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    if (this.interruptIn !== undefined) void this.listen(this.interruptIn);
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Subscribe; returns the unsubscribe function. Starts polling where needed. */
  onChange(listener: (e: SlotEvent) => void): () => void {
    this.listeners.add(listener);
    if (this.polling && this.running && this.timer === undefined) {
      this.timer = setInterval(() => void this.poll(), this.pollIntervalMs);
    }
    return () => {
      this.listeners.delete(listener);
      if (this.listeners.size === 0 && this.timer !== undefined) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Apply a presence report for one slot (from either source). */
  report(slot: number, present: boolean): void {
    const s = this.slots[slot];
    if (!s) return;
    const before = s.state;
    s.cardPresence(present);
    if (!present) this.pipe.interrupt(slot, new ReaderError('CARD_REMOVED', `slot ${slot} reported empty`));
    // The first report only tells us how things stand; events are changes after that.
    if (before !== 'unknown' && (before !== 'absent') !== present) this.emit({ type: present ? 'inserted' : 'removed', slot });
  }

  private emit(e: SlotEvent): void {
    for (const l of this.listeners) l(e);
  }

  private async listen(endpoint: number): Promise<void> {
    while (this.running) {
      let bytes: Uint8Array;
      try {
        bytes = bytesOf(await this.device.transferIn(endpoint, 8));
      } catch {
        // Unplug or close ends the interrupt pipe; the bulk side reports it.
        this.running = false;
        return;
      }
      const d = decodeInterrupt(bytes);
      if (!d.ok) continue;
      if (d.value.type === 'HardwareError') {
        this.emit({ type: 'hardware-error', slot: d.value.slot, code: d.value.code });
        continue;
      }
      d.value.slots.forEach((s, i) => {
        if (i < this.slots.length && (s.changed || (this.slots[i]?.state === 'absent') === s.present)) this.report(i, s.present);
      });
    }
  }

  private async poll(): Promise<void> {
    for (const s of this.slots) {
      try {
        const m = await this.mutex.run(() => this.pipe.command({ type: 'GetSlotStatus', slot: s.index }, DEFAULT_TIMEOUT_MS));
        this.report(s.index, decodeStatus(m.bStatus, m.bError).icc !== 'absent');
      } catch {
        this.stop();
        return;
      }
    }
  }
}
