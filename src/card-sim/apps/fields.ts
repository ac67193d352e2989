/**
 * Tagged variable-length fields in an application's area (credit account, ID data).
 * Each field has a fixed slot: length u16 || capacity bytes. Callers wrap a write in one
 * `ctx.atomic` (bytes and new length together), so a power cut leaves the old value or
 * the new; it is not done here because atomics are not nested (install writes many).
 */
import { readU16be, u16be } from '../../protocol/bytes.ts';
import type { AppContext } from '../app-api.ts';

export interface FieldSlot {
  readonly tag: number;
  readonly capacity: number;
  /** Offset of the length u16; the bytes follow it. */
  readonly at: number;
}

/** Lay out slots one after another from `base`, in the order given. */
export function layoutFields(base: number, fields: readonly { tag: number; capacity: number }[]): FieldSlot[] {
  let at = base;
  return fields.map((f) => {
    const slot = { ...f, at };
    at += 2 + f.capacity;
    return slot;
  });
}

export const slotsEnd = (slots: readonly FieldSlot[]): number => slots.reduce((end, s) => Math.max(end, s.at + 2 + s.capacity), 0);

export function readField(ctx: AppContext, slot: FieldSlot): Uint8Array {
  // Clamped: a damaged length never reads outside the slot.
  const len = Math.min(readU16be(ctx.read(slot.at, 2), 0), slot.capacity);
  return ctx.read(slot.at + 2, len);
}

/**
 * Write `bytes` at `offset` of the value and set its length to offset + bytes.length
 * (callers check offset <= current length and the capacity first).
 */
export function writeField(ctx: AppContext, slot: FieldSlot, offset: number, bytes: Uint8Array): void {
  if (offset + bytes.length > slot.capacity) throw new RangeError(`field ${slot.tag}: ${offset + bytes.length} > capacity ${slot.capacity}`);
  if (bytes.length > 0) ctx.write(slot.at + 2 + offset, bytes);
  ctx.write(slot.at, u16be(offset + bytes.length));
}
