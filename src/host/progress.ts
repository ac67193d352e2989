/**
 * Progress of a flow, as the UI shows it: pages and bytes so far, APDUs, the rate and
 * an estimate of the time left. The clock is injectable so tests never depend on time.
 */
import type { Wire } from './link.ts';

export type Phase =
  | 'reading-card'
  | 'verifying-pin'
  | 'planning'
  | 'starting'
  | 'transferring'
  | 'storing'
  | 'completing'
  | 'reading-result'
  | 'cleaning-up'
  | 'done';

export interface Progress {
  phase: Phase;
  /** Pages moved so far, of `totalPages` (for a replay, summed over every step). */
  pages: number;
  totalPages: number;
  /** Payload bytes moved so far (sealed records with their page numbers). */
  bytes: number;
  apdus: number;
  /** Payload bytes per second since the first transfer; 0 until known. */
  rate: number;
  /** Estimated seconds to the end of the transfer; undefined until a rate is known. */
  secondsLeft: number | undefined;
}

export type ProgressListener = (p: Progress) => void;

export class Meter {
  pages = 0;
  bytes = 0;
  totalPages = 0;
  totalBytes = 0;
  private started: number | undefined;

  constructor(
    private readonly wire: Wire,
    private readonly listener: ProgressListener | undefined,
    private readonly now: () => number = defaultNow,
  ) {}

  /** Count moved pages and bytes; the rate clock starts with the first call. */
  moved(pages: number, bytes: number): void {
    this.started ??= this.now();
    this.pages += pages;
    this.bytes += bytes;
  }

  emit(phase: Phase): void {
    if (!this.listener) return;
    const secs = this.started === undefined ? 0 : (this.now() - this.started) / 1000;
    const rate = secs > 0 ? this.bytes / secs : 0;
    const left = Math.max(0, this.totalBytes - this.bytes);
    const secondsLeft = phase === 'done' ? 0 : rate > 0 ? left / rate : undefined;
    this.listener({ phase, pages: this.pages, totalPages: this.totalPages, bytes: this.bytes, apdus: this.wire.apdus, rate, secondsLeft });
  }
}

function defaultNow(): number {
  return globalThis.performance?.now() ?? Date.now();
}
