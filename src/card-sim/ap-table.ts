/**
 * The AP management table (patent 082, fig. 11) in the system area: each
 * application's AID, position and size (085). The restore-executed flags (086) live in
 * the bookkeeping region by the same slot number, not here: a flag describes what
 * happened to this card, so a restore must not bring back an old flag from a backup,
 * and clearing a flag must not mark a backed-up page changed.
 *
 *   'ICAP' count u8, then MAX_APPS slots of: aidLen u8, aid (16), offset u32, size u32, holdsValue u8
 */
import { concat, readU32be, u32be } from '../protocol/bytes.ts';

export const AP_SLOT_BYTES = 26;
export const AP_TABLE_BYTES = 5 + 8 * AP_SLOT_BYTES;
const MAGIC = Uint8Array.of(0x49, 0x43, 0x41, 0x50);

export interface ApSlot {
  aid: Uint8Array;
  offset: number;
  size: number;
  holdsValue: boolean;
}

export function encodeApTable(slots: readonly ApSlot[]): Uint8Array {
  const parts: Uint8Array[] = [MAGIC, Uint8Array.of(slots.length)];
  for (const s of slots) {
    const aid = new Uint8Array(16);
    aid.set(s.aid);
    parts.push(Uint8Array.of(s.aid.length), aid, u32be(s.offset), u32be(s.size), Uint8Array.of(s.holdsValue ? 1 : 0));
  }
  return concat(...parts);
}

/** Tolerant: a blank or damaged table reads as empty (the card then offers no application). */
export function decodeApTable(b: Uint8Array, memorySize: number): ApSlot[] {
  if (!MAGIC.every((v, i) => b[i] === v)) return [];
  const n = Math.min(b[4] ?? 0, 8);
  const out: ApSlot[] = [];
  for (let i = 0; i < n; i++) {
    const o = 5 + i * AP_SLOT_BYTES;
    const len = Math.min(b[o] ?? 0, 16);
    const offset = readU32be(b, o + 17);
    const size = readU32be(b, o + 21);
    // A slot that points outside memory keeps its number (flags are by slot) but gets no area.
    const inside = offset + size <= memorySize;
    out.push({ aid: b.slice(o + 1, o + 1 + len), offset: inside ? offset : 0, size: inside ? size : 0, holdsValue: b[o + 25] === 1 });
  }
  return out;
}
