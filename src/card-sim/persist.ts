/**
 * save()/load: a card's whole EEPROM and its fixed configuration, so demo cards
 * survive page reloads. RAM (PIN verified, sessions) is not saved: loading is a power-on.
 *   'ICSC' version u8, memorySize u32, pageSize u16, extendedLength u8,
 *   responseBufferSize u32, EEPROM length u32, EEPROM bytes
 */
import { ByteReader, concat, u16be, u32be } from '../protocol/bytes.ts';
import { fail, ok, type Decoded } from '../protocol/result.ts';
import { makeLayout } from './layout.ts';

const MAGIC = Uint8Array.of(0x49, 0x43, 0x53, 0x43);

export interface SavedCard {
  memorySize: number;
  pageSize: number;
  extendedLength: boolean;
  responseBufferSize: number;
  eeprom: Uint8Array;
}

export const encodeSavedCard = (c: SavedCard) =>
  concat(MAGIC, Uint8Array.of(1), u32be(c.memorySize), u16be(c.pageSize), Uint8Array.of(c.extendedLength ? 1 : 0), u32be(c.responseBufferSize), u32be(c.eeprom.length), c.eeprom);

export function decodeSavedCard(b: Uint8Array): Decoded<SavedCard> {
  const what = 'saved card';
  const r = new ByteReader(b);
  const m = r.take(4);
  if (!m || !MAGIC.every((v, i) => m[i] === v)) return fail(what, 'bad magic', 0);
  if (r.u8() !== 1) return fail(what, 'unsupported version', 4);
  const memorySize = r.u32();
  const pageSize = r.u16();
  const ext = r.u8();
  const responseBufferSize = r.u32();
  const len = r.u32();
  if (memorySize === undefined || pageSize === undefined || ext === undefined || responseBufferSize === undefined || len === undefined) return fail(what, 'truncated');
  let physical: number;
  try {
    physical = makeLayout(memorySize, pageSize).physicalSize;
  } catch (e) {
    return fail(what, (e as Error).message, 5);
  }
  if (len !== physical || r.remaining !== len) return fail(what, `EEPROM image of ${r.remaining} bytes, expected ${physical}`);
  return ok({ memorySize, pageSize, extendedLength: ext === 1, responseBufferSize, eeprom: r.rest().slice() });
}
