/**
 * The value state of the value applications (e-money, membership), kept by the card OS
 * OUTSIDE the backed-up memory (protocol version 2, docs/trust.md "Value"): in the
 * bookkeeping region at BK.values, beside the changed table (fig. 4 022), which no backup
 * carries and no restore writes. So a backup never carries value, a same-card restore
 * keeps the balance the card had before it, and a restore of another card's backup
 * leaves the target's own value: a restore can neither create nor destroy value.
 *
 * MAX_APPS slots of VALUE_SLOT_BYTES (layout.ts), each claimed by one application's AID
 * on its first value write (by AID, not by AP-table position: a restore may bring another
 * AP table, the value stays with its application):
 *
 *   0 in use u8 (1)   1 AID length u8   2 AID (16, zero-padded)
 *   18 value u32   22 load counter u32   26 spend counter u32
 *   30 value log (cyclic-log.ts): head u8, count u8, VALUE_LOG_CAPACITY x 17 bytes
 *
 * Every change (state and its log entry) goes through the card's one write path in one
 * atomic group: a power cut leaves the old triple and log, or the new ones.
 */
import { concat, readU32be, u32be } from '../protocol/bytes.ts';
import type { ValueCounters } from '../protocol/commands/apps/value-commands.ts';
import type { LogEntry } from '../protocol/commands/apps/value-log.ts';
import { CyclicLog, type ByteWindow } from './apps/cyclic-log.ts';
import { sameBytes } from './crypto.ts';
import type { Eeprom } from './eeprom.ts';
import { BK, MAX_APPS, VALUE_SLOT_BYTES, type Layout } from './layout.ts';

const AID_AT = 2;
const AID_BYTES = 16;
const STATE_AT = 18;
const LOG_AT = 30;
export const VALUE_LOG_CAPACITY = 28;
const log = new CyclicLog(LOG_AT, VALUE_LOG_CAPACITY);
if (LOG_AT + log.bytes > VALUE_SLOT_BYTES) throw new Error('value slot layout does not fit VALUE_SLOT_BYTES');

export class ValueStoreFull extends Error {
  readonly code = 'VALUE_STORE_FULL' as const;
  constructor(aid: Uint8Array) {
    super(`no free value slot for application ${Array.from(aid, (b) => b.toString(16).padStart(2, '0')).join('')}`);
    this.name = 'ValueStoreFull';
  }
}

export class ValueStore {
  constructor(
    readonly eeprom: Eeprom,
    readonly layout: Layout,
  ) {}

  private base(slot: number): number {
    return this.layout.bookkeeping + BK.values + slot * VALUE_SLOT_BYTES;
  }

  private window(slot: number): ByteWindow {
    const base = this.base(slot);
    const inside = (offset: number, length: number) => {
      if (offset < 0 || offset + length > VALUE_SLOT_BYTES) throw new RangeError(`outside the value slot: ${offset}+${length}`);
    };
    return {
      read: (offset, length) => {
        inside(offset, length);
        return this.eeprom.read(base + offset, length);
      },
      write: (offset, bytes) => {
        inside(offset, bytes.length);
        this.eeprom.write(base + offset, bytes);
      },
    };
  }

  /** The slot this application's value lives in, if it has one yet. */
  private find(aid: Uint8Array): number | undefined {
    for (let i = 0; i < MAX_APPS; i++) {
      const h = this.eeprom.read(this.base(i), AID_AT + AID_BYTES);
      const n = h[1] ?? 0;
      if (h[0] === 1 && n === aid.length && sameBytes(h.subarray(AID_AT, AID_AT + n), aid)) return i;
    }
    return undefined;
  }

  /** Value and counters; all zero for an application that never held value. */
  counters(aid: Uint8Array): ValueCounters {
    const slot = this.find(aid);
    if (slot === undefined) return { value: 0, loadCounter: 0, spendCounter: 0 };
    const b = this.window(slot).read(STATE_AT, 12);
    return { value: readU32be(b, 0), loadCounter: readU32be(b, 4), spendCounter: readU32be(b, 8) };
  }

  /** READ LOG: the entries newest first. */
  log(aid: Uint8Array): Uint8Array {
    const slot = this.find(aid);
    return slot === undefined ? new Uint8Array(0) : log.newestFirst(this.window(slot));
  }

  /** Writes the new value and counters and appends their log entry, all in one atomic group. */
  record(aid: Uint8Array, next: ValueCounters, entry: LogEntry): void {
    if (aid.length < 1 || aid.length > AID_BYTES) throw new RangeError(`AID of ${aid.length} bytes`);
    this.eeprom.atomic(() => {
      let slot = this.find(aid);
      if (slot === undefined) {
        slot = this.claim(aid);
      }
      const w = this.window(slot);
      w.write(STATE_AT, concat(u32be(next.value), u32be(next.loadCounter), u32be(next.spendCounter)));
      log.append(w, entry);
    });
  }

  private claim(aid: Uint8Array): number {
    for (let i = 0; i < MAX_APPS; i++) {
      if (this.eeprom.read(this.base(i), 1)[0] === 1) continue;
      const head = new Uint8Array(AID_AT + AID_BYTES);
      head[0] = 1;
      head[1] = aid.length;
      head.set(aid, AID_AT);
      // A fresh slot: zero state and an empty log (the bytes of a slot never used are zero).
      this.eeprom.write(this.base(i), concat(head, new Uint8Array(LOG_AT + 2 - head.length)));
      return i;
    }
    throw new ValueStoreFull(aid);
  }
}
