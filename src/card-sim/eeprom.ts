/**
 * The card's one write path (DESIGN.md). Every byte that reaches the EEPROM goes
 * through `program`, which asks the injected fault first and counts the write.
 *
 * Atomicity: writes are grouped (`atomic`); a group is committed through a redo
 * journal in its own region of the EEPROM:
 *   1. the journal entries (address u32, length u32, bytes) and their count,
 *   2. the commit flag (one byte: a single byte write lands whole or not at all),
 *   3. the target bytes,
 *   4. the commit flag cleared.
 * At power-on `recover` redoes a journal whose flag is set (idempotent: a cut during
 * recovery is recovered again) and ignores one whose flag is clear. So a power cut
 * leaves every group wholly old or wholly new.
 */
import { readU32be, u32be } from '../protocol/bytes.ts';
import type { WriteFault } from './fault.ts';

export class JournalFull extends Error {
  readonly code = 'JOURNAL_FULL' as const;
  constructor(need: number, room: number) {
    super(`atomic group of ${need} bytes does not fit the ${room}-byte journal`);
    this.name = 'JournalFull';
  }
}

const J_FLAG = 0;
const J_COUNT = 1;
const J_ENTRIES = 5;
const COMMITTED = 0xa5;

interface PendingWrite {
  address: number;
  data: Uint8Array;
}

export class Eeprom {
  /** Byte writes since this object was made: the index space of the fault. */
  writeCount = 0;
  /** Set when the fault cut the power: the card must be powered on (recovery) again. */
  powerLost = false;
  private group: PendingWrite[] | undefined;
  private depth = 0;

  constructor(
    readonly bytes: Uint8Array,
    private readonly journalOffset: number,
    private readonly journalSize: number,
    private readonly fault: WriteFault | undefined,
  ) {}

  read(address: number, length: number): Uint8Array {
    const out = this.bytes.slice(address, address + length);
    // Inside a group, later reads see the group's own writes.
    for (const w of this.group ?? []) {
      const from = Math.max(address, w.address);
      const to = Math.min(address + length, w.address + w.data.length);
      if (from < to) out.set(w.data.subarray(from - w.address, to - w.address), from - address);
    }
    return out;
  }

  write(address: number, data: Uint8Array): void {
    if (address < 0 || address + data.length > this.journalOffset) throw new RangeError(`EEPROM write out of range: ${address}+${data.length}`);
    if (data.length === 0) return;
    this.atomic(() => this.group?.push({ address, data: data.slice() }));
  }

  /** Run `fn` so that all its writes land together; nested calls join the outer group. A throw discards the group. */
  atomic<T>(fn: () => T): T {
    if (this.depth === 0) this.group = [];
    this.depth++;
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.depth--;
      if (this.depth === 0) this.group = undefined;
      throw e;
    }
    this.depth--;
    if (this.depth === 0) {
      const g = this.group ?? [];
      this.group = undefined;
      this.commit(g);
    }
    return result;
  }

  get inGroup(): boolean {
    return this.depth > 0;
  }

  /** Power-on: redo a committed journal, ignore an uncommitted one. */
  recover(): void {
    this.powerLost = false;
    this.group = undefined;
    this.depth = 0;
    if (this.bytes[this.journalOffset + J_FLAG] !== COMMITTED) return;
    this.apply();
    this.program(this.journalOffset + J_FLAG, Uint8Array.of(0));
  }

  private commit(g: PendingWrite[]): void {
    if (g.length === 0) return;
    let need = J_ENTRIES;
    for (const w of g) need += 8 + w.data.length;
    if (need > this.journalSize) throw new JournalFull(need, this.journalSize);
    let o = this.journalOffset + J_ENTRIES;
    for (const w of g) {
      this.program(o, u32be(w.address));
      this.program(o + 4, u32be(w.data.length));
      this.program(o + 8, w.data);
      o += 8 + w.data.length;
    }
    this.program(this.journalOffset + J_COUNT, u32be(g.length));
    this.program(this.journalOffset + J_FLAG, Uint8Array.of(COMMITTED));
    this.apply();
    this.program(this.journalOffset + J_FLAG, Uint8Array.of(0));
  }

  private apply(): void {
    const count = readU32be(this.bytes, this.journalOffset + J_COUNT);
    let o = this.journalOffset + J_ENTRIES;
    for (let i = 0; i < count; i++) {
      const address = readU32be(this.bytes, o);
      const length = readU32be(this.bytes, o + 4);
      this.program(address, this.bytes.slice(o + 8, o + 8 + length));
      o += 8 + length;
    }
  }

  /** The only place bytes reach the EEPROM. */
  private program(address: number, data: Uint8Array): void {
    if (!this.fault) {
      this.bytes.set(data, address);
      this.writeCount += data.length;
      return;
    }
    for (let i = 0; i < data.length; i++) {
      try {
        this.fault.beforeWrite(this.writeCount, address + i);
      } catch (e) {
        this.powerLost = true;
        this.group = undefined;
        this.depth = 0;
        throw e;
      }
      this.bytes[address + i] = data[i] as number;
      this.writeCount++;
    }
  }
}
