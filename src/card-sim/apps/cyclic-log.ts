/**
 * A cyclic log of value events (src/protocol/commands/apps/value-log.ts): the last
 * `capacity` entries, oldest overwritten first, inside a byte window.
 *
 *   base+0 head u8 (slot the next entry goes to)   base+1 count u8
 *   base+2 capacity x 17-byte entries
 *
 * Appending writes the entry, then head and count; callers do both inside one atomic
 * group with the value change, so a power cut leaves both or neither.
 */
import { concat } from '../../protocol/bytes.ts';
import { encodeLogEntry, LOG_ENTRY_BYTES, type LogEntry } from '../../protocol/commands/apps/value-log.ts';

/** Where a log lives: the card OS's value store (value-store.ts) gives one window per application. */
export interface ByteWindow {
  read(offset: number, length: number): Uint8Array;
  write(offset: number, bytes: Uint8Array): void;
}

export class CyclicLog {
  constructor(
    readonly base: number,
    readonly capacity: number,
  ) {
    if (capacity < 1 || capacity > 255) throw new RangeError(`log capacity out of range: ${capacity}`);
  }

  get bytes(): number {
    return 2 + this.capacity * LOG_ENTRY_BYTES;
  }

  /** Head and count as stored, clamped so a damaged header cannot index outside the log. */
  private header(w: ByteWindow): { head: number; count: number } {
    const h = w.read(this.base, 2);
    return { head: (h[0] ?? 0) % this.capacity, count: Math.min(h[1] ?? 0, this.capacity) };
  }

  append(w: ByteWindow, entry: LogEntry): void {
    const { head, count } = this.header(w);
    w.write(this.base + 2 + head * LOG_ENTRY_BYTES, encodeLogEntry(entry));
    w.write(this.base, Uint8Array.of((head + 1) % this.capacity, Math.min(count + 1, this.capacity)));
  }

  /** Every entry, newest first, as READ LOG returns them. */
  newestFirst(w: ByteWindow): Uint8Array {
    const { head, count } = this.header(w);
    const out: Uint8Array[] = [];
    for (let i = 1; i <= count; i++) {
      const slot = (head - i + this.capacity) % this.capacity;
      out.push(w.read(this.base + 2 + slot * LOG_ENTRY_BYTES, LOG_ENTRY_BYTES));
    }
    return concat(...out);
  }
}
