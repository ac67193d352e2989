/**
 * Where everything lives in the card's EEPROM.
 *
 *   physical EEPROM
 *   ├─ memory (memorySize bytes, in pages; what backups carry, fig. 3/4)
 *   │   ├─ system area (080)
 *   │   │   ├─ identity block: card number, issuer, epoch, keys, PIN (never written by a restore)
 *   │   │   └─ AP management table (082, fig. 11): AID, position, size of each application
 *   │   └─ AP area (081): each application's area, page-aligned
 *   ├─ bookkeeping (outside the backed-up pages, like the changed table 022 of fig. 4):
 *   │   backup counter, chain head, memory point, PIN tries, restore pending,
 *   │   restore-executed flags (086), load history, changed table, page-version table
 *   └─ journal (the write path's redo log, see eeprom.ts)
 */
import { IDENTITY_BYTES } from './identity.ts';
import { AP_TABLE_BYTES } from './ap-table.ts';

export const MAX_APPS = 8;
export const LOAD_SLOTS = 16;
export const LOAD_ENTRY_BYTES = 48;
/**
 * Per application slot, the OS keeps the application's value state outside the backed-up
 * memory (version 2, docs/trust.md "Value"): a backup never carries value, so a restore
 * can neither create nor destroy it. The inner layout belongs to src/card-sim/value-store.ts.
 */
export const VALUE_SLOT_BYTES = 512;

/** Offsets inside the bookkeeping region. */
export const BK = {
  counter: 0, // u32
  chainHead: 4, // 32
  pointCard: 36, // 8: card whose backup point memory equals (fig. 5 060)
  pointSeq: 44, // u32: 0 = memory equals no known point
  pinTries: 48, // u8
  restorePending: 49, // u8
  loadTotal: 50, // u32
  restoreFlags: 54, // MAX_APPS bytes, by AP table slot
  loadRing: 54 + MAX_APPS,
  /** u32: the restore-authorisation counter (version 2: each authorisation carries counter + 1). */
  authorisationCounter: 54 + MAX_APPS + LOAD_SLOTS * LOAD_ENTRY_BYTES,
  /** MAX_APPS x VALUE_SLOT_BYTES: each slot's value state (value-store.ts). */
  values: 58 + MAX_APPS + LOAD_SLOTS * LOAD_ENTRY_BYTES,
  changed: 58 + MAX_APPS + LOAD_SLOTS * LOAD_ENTRY_BYTES + MAX_APPS * VALUE_SLOT_BYTES,
} as const;

export interface Layout {
  memorySize: number;
  pageSize: number;
  pageCount: number;
  identitySize: number;
  apTableOffset: number;
  apTableSize: number;
  systemAreaSize: number;
  apAreaSize: number;
  bookkeeping: number;
  changedBytes: number;
  versions: number;
  journal: number;
  journalSize: number;
  physicalSize: number;
}

const roundUp = (n: number, p: number) => Math.ceil(n / p) * p;
const isPow2 = (n: number) => Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;

export function makeLayout(memorySize: number, pageSize: number): Layout {
  if (!isPow2(pageSize) || pageSize < 64 || pageSize > 4096) throw new RangeError(`page size must be a power of two 64..4096, got ${pageSize}`);
  if (!Number.isInteger(memorySize) || memorySize < 8192 || memorySize > 1 << 20 || memorySize % pageSize !== 0)
    throw new RangeError(`memory size must be 8 KiB..1 MiB in whole pages, got ${memorySize}`);
  const pageCount = memorySize / pageSize;
  const identitySize = roundUp(IDENTITY_BYTES, pageSize);
  const apTableSize = roundUp(AP_TABLE_BYTES, pageSize);
  const systemAreaSize = identitySize + apTableSize;
  const bookkeeping = memorySize;
  const changedBytes = Math.ceil(pageCount / 8);
  const versions = bookkeeping + BK.changed + changedBytes;
  const journal = versions + pageCount * 4;
  // Room for the biggest group: a restore (every page) plus the bookkeeping it updates.
  const journalSize = 5 + memorySize + (journal - bookkeeping) + 8 * (pageCount + 64);
  return {
    memorySize,
    pageSize,
    pageCount,
    identitySize,
    apTableOffset: identitySize,
    apTableSize,
    systemAreaSize,
    apAreaSize: memorySize - systemAreaSize,
    bookkeeping,
    changedBytes,
    versions,
    journal,
    journalSize,
    physicalSize: journal + journalSize,
  };
}

export const pagesOf = (l: Layout, offset: number, length: number): [number, number] => [
  Math.floor(offset / l.pageSize),
  Math.floor((offset + Math.max(length, 1) - 1) / l.pageSize),
];
