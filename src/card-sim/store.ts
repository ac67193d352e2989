/**
 * Typed access to the card's persistent state, all through the one write path
 * (eeprom.ts). Memory writes mark their pages in the changed table (fig. 4, 091);
 * bookkeeping writes do not (the bookkeeping is outside the backed-up area).
 */
import { decodeCardNumber, encodeCardNumber } from '../protocol/card-number.ts';
import { LOAD_WHAT_MAX, type LoadHistory, type LoadRecord } from '../protocol/commands/get-data-codecs.ts';
import { concat, fromHex, hex, readU32be, readU64be, u32be, u64be } from '../protocol/bytes.ts';
import { decodeApTable, encodeApTable, type ApSlot } from './ap-table.ts';
import type { Eeprom } from './eeprom.ts';
import { decodeIdentity, encodeIdentity, type Identity } from './identity.ts';
import { BK, LOAD_ENTRY_BYTES, LOAD_SLOTS, MAX_APPS, pagesOf, type Layout } from './layout.ts';

export interface MemoryPoint {
  card: string;
  seq: number;
}

export class CardStore {
  constructor(
    readonly eeprom: Eeprom,
    readonly layout: Layout,
  ) {}

  // ------------------------------------------------------------ memory (backed up)

  read(offset: number, length: number): Uint8Array {
    return this.eeprom.read(offset, length);
  }

  /** A memory write: lands through the write path and marks its pages changed (fig. 4). */
  write(offset: number, data: Uint8Array): void {
    if (offset < 0 || offset + data.length > this.layout.memorySize) throw new RangeError(`memory write out of range: ${offset}+${data.length}`);
    this.eeprom.atomic(() => {
      this.eeprom.write(offset, data);
      const [a, z] = pagesOf(this.layout, offset, data.length);
      for (let p = a; p <= z; p++) this.setChanged(p, true);
    });
  }

  /** A restore's page write: the changed table is cleared by the same commit (fig. 19, 182). */
  writeUnmarked(offset: number, data: Uint8Array): void {
    this.eeprom.write(offset, data);
  }

  readPage(page: number): Uint8Array {
    return this.read(page * this.layout.pageSize, this.layout.pageSize);
  }

  // ------------------------------------------------------------ system area

  identity(): Identity {
    return decodeIdentity(this.read(0, this.layout.identitySize));
  }

  writeIdentity(i: Identity): void {
    this.write(0, encodeIdentity(i));
  }

  apTable(): ApSlot[] {
    return decodeApTable(this.read(this.layout.apTableOffset, this.layout.apTableSize), this.layout.memorySize);
  }

  writeApTable(slots: readonly ApSlot[]): void {
    this.write(this.layout.apTableOffset, encodeApTable(slots));
  }

  // ------------------------------------------------------------ bookkeeping (not backed up)

  private bk(field: number, length: number): Uint8Array {
    return this.eeprom.read(this.layout.bookkeeping + field, length);
  }

  private setBk(field: number, data: Uint8Array): void {
    this.eeprom.write(this.layout.bookkeeping + field, data);
  }

  private u32(field: number): number {
    return readU32be(this.bk(field, 4), 0);
  }

  get counter(): number {
    return this.u32(BK.counter);
  }
  set counter(v: number) {
    this.setBk(BK.counter, u32be(v));
  }
  /** The restore-authorisation counter: the last authorisation this card accepted names it (version 2). */
  get authorisationCounter(): number {
    return this.u32(BK.authorisationCounter);
  }
  set authorisationCounter(v: number) {
    this.setBk(BK.authorisationCounter, u32be(v));
  }
  get chainHead(): Uint8Array {
    return this.bk(BK.chainHead, 32);
  }
  set chainHead(v: Uint8Array) {
    this.setBk(BK.chainHead, v);
  }
  get pinTries(): number {
    return this.bk(BK.pinTries, 1)[0] ?? 0;
  }
  set pinTries(v: number) {
    this.setBk(BK.pinTries, Uint8Array.of(v));
  }
  get restorePending(): boolean {
    return this.bk(BK.restorePending, 1)[0] === 1;
  }
  set restorePending(v: boolean) {
    this.setBk(BK.restorePending, Uint8Array.of(v ? 1 : 0));
  }

  /** The point (card, seq) the memory equals: set by a completed backup or restore. */
  get point(): MemoryPoint {
    const card = decodeCardNumber(this.bk(BK.pointCard, 8));
    return { card: card.ok ? card.value : '0000000000000000', seq: this.u32(BK.pointSeq) };
  }
  set point(p: MemoryPoint) {
    this.setBk(BK.pointCard, concat(encodeCardNumber(p.card), u32be(p.seq)));
  }

  /** The card's current point (a diff's base): the point, if it is one of this card's own backups. */
  currentPoint(own: string): number {
    const p = this.point;
    return p.card === own ? p.seq : 0;
  }

  restoreFlag(slot: number): boolean {
    return slot < MAX_APPS && this.bk(BK.restoreFlags + slot, 1)[0] === 1;
  }
  setRestoreFlag(slot: number, v: boolean): void {
    if (slot < MAX_APPS) this.setBk(BK.restoreFlags + slot, Uint8Array.of(v ? 1 : 0));
  }

  // ------------------------------------------------------------ changed table (fig. 4) and page versions

  isChanged(page: number): boolean {
    return ((this.bk(BK.changed + (page >> 3), 1)[0] ?? 0) & (1 << (page & 7))) !== 0;
  }
  private setChanged(page: number, v: boolean): void {
    const old = this.bk(BK.changed + (page >> 3), 1)[0] ?? 0;
    const b = v ? old | (1 << (page & 7)) : old & ~(1 << (page & 7));
    if (b !== old) this.setBk(BK.changed + (page >> 3), Uint8Array.of(b));
  }
  changedPages(): number[] {
    const bits = this.bk(BK.changed, this.layout.changedBytes);
    const out: number[] = [];
    for (let p = 0; p < this.layout.pageCount; p++) if (((bits[p >> 3] ?? 0) & (1 << (p & 7))) !== 0) out.push(p);
    return out;
  }
  clearChanged(): void {
    this.setBk(BK.changed, new Uint8Array(this.layout.changedBytes));
  }
  /** Every page marked changed (EPOCH UPDATE: no page is backed up under the new epoch yet). */
  markAllChanged(): void {
    const bits = new Uint8Array(this.layout.changedBytes);
    for (let p = 0; p < this.layout.pageCount; p++) bits[p >> 3] = (bits[p >> 3] ?? 0) | (1 << (p & 7));
    this.setBk(BK.changed, bits);
  }

  /** For each page, the seq of the newest backed-up copy (the map behind pageMapHash). */
  pageVersions(): Uint32Array {
    const b = this.eeprom.read(this.layout.versions, this.layout.pageCount * 4);
    const out = new Uint32Array(this.layout.pageCount);
    for (let i = 0; i < out.length; i++) out[i] = readU32be(b, i * 4);
    return out;
  }
  setPageVersions(v: ArrayLike<number>): void {
    const b = new Uint8Array(v.length * 4);
    const dv = new DataView(b.buffer);
    for (let i = 0; i < v.length; i++) dv.setUint32(i * 4, v[i] as number);
    this.eeprom.write(this.layout.versions, b);
  }

  // ------------------------------------------------------------ load history (claims 18-23)

  recordLoad(e: LoadRecord): void {
    const total = this.u32(BK.loadTotal);
    const what = new TextEncoder().encode(e.what).subarray(0, LOAD_WHAT_MAX);
    const aid = fromHex(e.aid).subarray(0, 16);
    const entry = new Uint8Array(LOAD_ENTRY_BYTES);
    entry.set(u64be(e.date), 0);
    entry[8] = what.length;
    entry.set(what, 9);
    entry[25] = aid.length;
    entry.set(aid, 26);
    entry.set(u32be(e.amount >>> 0), 42);
    this.eeprom.atomic(() => {
      this.setBk(BK.loadRing + (total % LOAD_SLOTS) * LOAD_ENTRY_BYTES, entry);
      this.setBk(BK.loadTotal, u32be(total + 1));
    });
  }

  loadHistory(): LoadHistory {
    const total = this.u32(BK.loadTotal);
    const entries: LoadRecord[] = [];
    for (let i = Math.max(0, total - LOAD_SLOTS); i < total; i++) {
      // Entry: date u64 @0, what length @8, what (16) @9, AID length @25, AID (16) @26, amount u32 @42.
      const b = this.bk(BK.loadRing + (i % LOAD_SLOTS) * LOAD_ENTRY_BYTES, LOAD_ENTRY_BYTES);
      entries.push({
        date: readU64be(b, 0),
        what: new TextDecoder().decode(b.subarray(9, 9 + Math.min(b[8] ?? 0, LOAD_WHAT_MAX))),
        aid: hex(b.subarray(26, 26 + Math.min(b[25] ?? 0, 16))),
        amount: readU32be(b, 42),
      });
    }
    return { total, entries };
  }
}
