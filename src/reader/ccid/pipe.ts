/**
 * One CCID bulk conversation: send a PC_to_RDR message, read RDR_to_PC messages until
 * the one with our bSeq arrives (CCID rev 1.1 §6.2: the reader echoes bSlot and bSeq),
 * honouring time-extension answers (bmCommandStatus = 2, §6.2.6), and failing promptly
 * on timeout, abort or unplug. It counts transfers and bytes for the benchmark.
 */
import { decodeRdrToPc, decodeStatus, type RdrToPc } from '../../protocol/ccid/rdr-to-pc.ts';
import { encodePcToRdr, type PcToRdr } from '../../protocol/ccid/pc-to-rdr.ts';
import { readU32le } from '../../protocol/bytes.ts';
import { CCID_HEADER_LENGTH } from '../../protocol/ccid/constants.ts';
import { ReaderError } from '../errors.ts';
import { bytesOf, type UsbDeviceLike, type UsbInResult } from '../usb-surface.ts';
import { mapTransferError } from '../webusb-errors.ts';

export interface BusStats {
  /** Bulk and interrupt transfers completed (OUT and IN). */
  transfers: number;
  bytesOut: number;
  bytesIn: number;
}

export type Outgoing = PcToRdr extends infer M ? (M extends PcToRdr ? Omit<M, 'seq'> : never) : never;

export class CcidPipe {
  private seq = 0;
  private busySlot: number | undefined;
  private inflight: Promise<UsbInResult> | undefined;
  private dead: ReaderError | undefined;
  private readonly waiters = new Set<(e: ReaderError) => void>();
  readonly stats: BusStats = { transfers: 0, bytesOut: 0, bytesIn: 0 };

  constructor(
    private readonly device: UsbDeviceLike,
    private readonly bulkOut: number,
    private readonly bulkIn: number,
    private readonly readSize: number,
  ) {}

  /** Fail every wait now and every call later (unplug, close). */
  kill(error: ReaderError): void {
    this.dead = error;
    this.interruptAll(error);
  }

  /** Fail the current wait only, if it is for this slot (the card there was removed). */
  interrupt(slot: number, error: ReaderError): void {
    if (this.busySlot !== slot) return;
    for (const w of [...this.waiters]) w(error);
  }

  private interruptAll(error: ReaderError): void {
    for (const w of [...this.waiters]) w(error);
  }

  get alive(): boolean {
    return this.dead === undefined;
  }

  /**
   * Send one message and return the answer with the same bSeq. timeoutMs bounds each
   * wait for a message; a time-extension answer restarts it, scaled by its bError.
   */
  async command(msg: Outgoing, timeoutMs: number, signal?: AbortSignal): Promise<RdrToPc> {
    this.busySlot = msg.slot;
    try {
      return await this.exchange(msg, timeoutMs, signal);
    } finally {
      this.busySlot = undefined;
    }
  }

  private async exchange(msg: Outgoing, timeoutMs: number, signal?: AbortSignal): Promise<RdrToPc> {
    if (this.dead) throw this.dead;
    const seq = this.seq;
    this.seq = (this.seq + 1) & 0xff;
    const bytes = encodePcToRdr({ ...msg, seq } as PcToRdr) as Uint8Array<ArrayBuffer>;
    await this.guard(this.device.transferOut(this.bulkOut, bytes), timeoutMs, signal);
    this.stats.transfers++;
    this.stats.bytesOut += bytes.length;
    let wait = timeoutMs;
    for (;;) {
      const m = await this.readMessage(wait, signal);
      if (m.seq !== seq || m.slot !== msg.slot) continue; // a late answer to an abandoned command
      const st = decodeStatus(m.bStatus, m.bError);
      if (st.command === 'time-extension') {
        wait = timeoutMs * Math.max(1, m.bError);
        continue;
      }
      return m;
    }
  }

  private async readMessage(timeoutMs: number, signal: AbortSignal | undefined): Promise<RdrToPc> {
    let buf = await this.readOnce(timeoutMs, signal);
    // A message longer than one transfer continues in the next (libccid ReadUSB does the same).
    while (buf.length >= CCID_HEADER_LENGTH && buf.length < CCID_HEADER_LENGTH + readU32le(buf, 1)) {
      const more = await this.readOnce(timeoutMs, signal);
      if (more.length === 0) break;
      const joined = new Uint8Array(buf.length + more.length);
      joined.set(buf);
      joined.set(more, buf.length);
      buf = joined;
    }
    const d = decodeRdrToPc(buf);
    if (!d.ok) throw new ReaderError('PROTOCOL_ERROR', d.error.message, { cause: d.error });
    return d.value;
  }

  private async readOnce(timeoutMs: number, signal: AbortSignal | undefined): Promise<Uint8Array> {
    for (;;) {
      // One transferIn stays outstanding across a timeout, so a late answer is read
      // (and discarded by bSeq) instead of being stolen by a second read.
      if (!this.inflight) {
        const p = this.device.transferIn(this.bulkIn, this.readSize);
        this.inflight = p;
        const clear = () => {
          if (this.inflight === p) this.inflight = undefined;
        };
        p.then(clear, clear);
      }
      const r = await this.guard(this.inflight, timeoutMs, signal);
      this.stats.transfers++;
      const b = bytesOf(r);
      this.stats.bytesIn += b.length;
      if (r.status !== 'ok') throw new ReaderError('TRANSFER_ERROR', `bulk-IN ${r.status}`);
      if (b.length > 0) return b; // zero-length packets carry nothing (libccid ZLP fix-up)
    }
  }

  /** Race a USB promise against the timeout, the caller's signal and kill/interrupt. */
  private guard<T>(p: Promise<T>, timeoutMs: number, signal: AbortSignal | undefined): Promise<T> {
    if (this.dead) return Promise.reject(this.dead);
    if (signal?.aborted) return Promise.reject(new ReaderError('ABORTED', undefined, { cause: signal.reason }));
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(fail);
        signal?.removeEventListener('abort', onAbort);
      };
      const fail = (e: ReaderError) => {
        done();
        reject(e);
      };
      const onAbort = () => fail(new ReaderError('ABORTED', undefined, { cause: signal?.reason }));
      const timer = setTimeout(() => fail(new ReaderError('TIMEOUT', `no answer within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.add(fail);
      signal?.addEventListener('abort', onAbort, { once: true });
      p.then(
        (v) => {
          done();
          resolve(v);
        },
        (e: unknown) => {
          done();
          const mapped = mapTransferError(e);
          if (mapped.code === 'DEVICE_GONE') this.dead = mapped;
          reject(mapped);
        },
      );
    });
  }
}
