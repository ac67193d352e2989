/**
 * ID card data (fig. 21): name, date of birth, address, photo. AID A0000009990203.
 * Not value: a restore brings it back byte for byte. READ FIELD and UPDATE FIELD need the
 * PIN (issue 10: personal data is not readable by whoever holds the card).
 *
 * Area layout (1536 bytes): 0 layout version u8 (1), then one slot (fields.ts) per
 * field: name (64), birth (4), address (160), photo (1200). The photo spans several
 * memory pages, so a differential backup after a photo change carries only those pages.
 * Commands move fields by offset so each fits a short APDU (protocol: identity.ts).
 */
import { concat, readU16be, u16be } from '../../protocol/bytes.ts';
import { APP_AID, ID_FIELD, INS } from '../../protocol/commands/apps/ids.ts';
import { checkIdField, ID_FIELD_CAPACITY, type IdField } from '../../protocol/commands/apps/identity.ts';
import { encodeCalendarDate, encodeUtf8, parseIsoDate } from '../../protocol/commands/apps/text.ts';
import { SW } from '../../protocol/status-words.ts';
import type { CardApplication } from '../app-api.ts';
import { dispatch, answer, type CommandSpec } from './dispatch.ts';
import { layoutFields, readField, writeField, type FieldSlot } from './fields.ts';
import { seedBytes, seedEncode, seedString } from './seed.ts';

const NAMES = Object.keys(ID_FIELD) as IdField[];
const slots = layoutFields(
  1,
  NAMES.map((f) => ({ tag: ID_FIELD[f], capacity: ID_FIELD_CAPACITY[f] })),
);
const lookup = (tag: number): [IdField, FieldSlot] | undefined => {
  const i = NAMES.findIndex((f) => ID_FIELD[f] === tag);
  const slot = slots[i];
  const name = NAMES[i];
  return slot && name ? [name, slot] : undefined;
};
const knownTag = (p1: number, p2: number) => lookup(p1) !== undefined && p2 === 0;

const specs: readonly CommandSpec[] = [
  {
    // READ FIELD: data = offset u16; answers total length u16 || bytes from offset.
    ins: INS.id.read,
    lc: [2, 2],
    params: knownTag,
    // Personal data: read only by the holder's PIN (issue 10), 6982 without it.
    pin: true,
    run: (cmd, ctx) => {
      const [, slot] = lookup(cmd.p1) ?? [];
      if (!slot) return answer(SW.INCORRECT_P1P2);
      const value = readField(ctx, slot);
      const offset = readU16be(cmd.data, 0);
      if (offset > value.length) return answer(SW.WRONG_DATA);
      const room = (cmd.ne === 0 ? 256 : cmd.ne) - 2;
      if (room < 0) return answer(SW.WRONG_LENGTH);
      return answer(SW.OK, concat(u16be(value.length), value.subarray(offset, offset + room)));
    },
  },
  {
    // UPDATE FIELD: data = offset u16 || bytes; the field becomes value[0..offset] || bytes.
    ins: INS.id.update,
    lc: [2, 2 + Math.max(...Object.values(ID_FIELD_CAPACITY))],
    params: knownTag,
    pin: true,
    run: (cmd, ctx) => {
      const [field, slot] = lookup(cmd.p1) ?? [];
      if (!field || !slot) return answer(SW.INCORRECT_P1P2);
      const offset = readU16be(cmd.data, 0);
      const bytes = cmd.data.subarray(2);
      const current = readField(ctx, slot);
      if (offset > current.length) return answer(SW.WRONG_DATA);
      if (offset + bytes.length > slot.capacity) return answer(SW.NOT_ENOUGH_MEMORY);
      // The whole resulting value is checked, so a name or date is never left half valid.
      if (!checkIdField(field, concat(current.subarray(0, offset), bytes)).ok) return answer(SW.WRONG_DATA);
      ctx.atomic(() => writeField(ctx, slot, offset, bytes));
      return answer(SW.OK);
    },
  },
];

export const identityApp: CardApplication = {
  aid: APP_AID.id,
  name: 'ID',
  areaSize: 1536,
  holdsValue: false,
  install(ctx, seed) {
    const birth = seedString(seed, 'id.birth');
    const values: Record<IdField, Uint8Array> = {
      name: encodeUtf8(seedString(seed, 'id.name')),
      birth: seedEncode('id.birth', () => encodeCalendarDate(parseIsoDate(birth) ?? { year: 0, month: 0, day: 0 })),
      address: encodeUtf8(seedString(seed, 'id.address')),
      photo: seedBytes(seed, 'id.photo'),
    };
    for (const f of NAMES) {
      const check = checkIdField(f, values[f]);
      if (!check.ok) throw new TypeError(`seed id.${f}: ${check.error.message}`);
    }
    ctx.atomic(() => {
      ctx.write(0, Uint8Array.of(1));
      slots.forEach((s, i) => writeField(ctx, s, 0, values[NAMES[i] ?? 'name']));
    });
  },
  process: (cmd, ctx) => dispatch(cmd, ctx, specs),
};
