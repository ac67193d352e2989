/**
 * Credit card account data (fig. 21). AID A0000009990202. Not value: a restore brings
 * it back as it was (no reset). READ and UPDATE need the PIN (issue 10: account data is
 * not readable by whoever holds the card).
 *
 * Area layout (128 bytes): 0 layout version u8 (1), then one slot (fields.ts) per
 * field in tag order: holder (26), masked PAN (19), expiry (3), limit (4), brand (16).
 * Field formats: src/protocol/commands/apps/credit.ts.
 */
import { concat } from '../../protocol/bytes.ts';
import {
  CREDIT_FIELD_CAPACITY,
  decodeCreditField,
  encodeCreditField,
  type CreditAccount,
} from '../../protocol/commands/apps/credit.ts';
import { APP_AID, CREDIT_FIELD, INS } from '../../protocol/commands/apps/ids.ts';
import { SW } from '../../protocol/status-words.ts';
import type { CardApplication } from '../app-api.ts';
import { dispatch, answer, type CommandSpec } from './dispatch.ts';
import { layoutFields, readField, writeField } from './fields.ts';
import { seedEncode, seedNumber, seedString } from './seed.ts';

type Field = keyof CreditAccount;
const NAMES = Object.keys(CREDIT_FIELD) as Field[];
const slots = layoutFields(
  1,
  NAMES.map((f) => ({ tag: CREDIT_FIELD[f], capacity: CREDIT_FIELD_CAPACITY[f] })),
);
const nameOf = (tag: number): Field | undefined => NAMES.find((f) => CREDIT_FIELD[f] === tag);
const slotOf = (tag: number) => slots.find((s) => s.tag === tag);

const specs: readonly CommandSpec[] = [
  {
    ins: INS.credit.read,
    lc: [0, 0],
    // Account data: read only by the holder's PIN (issue 10), 6982 without it.
    pin: true,
    run: (_cmd, ctx) => answer(SW.OK, concat(...slots.map((s) => concat(Uint8Array.of(s.tag, readField(ctx, s).length), readField(ctx, s))))),
  },
  {
    ins: INS.credit.update,
    lc: [1, Math.max(...Object.values(CREDIT_FIELD_CAPACITY))],
    params: (p1, p2) => nameOf(p1) !== undefined && p2 === 0,
    pin: true,
    run: (cmd, ctx) => {
      const field = nameOf(cmd.p1);
      const slot = slotOf(cmd.p1);
      if (!field || !slot) return answer(SW.INCORRECT_P1P2);
      if (cmd.data.length > slot.capacity) return answer(SW.WRONG_LENGTH);
      if (!decodeCreditField(field, cmd.data).ok) return answer(SW.WRONG_DATA);
      ctx.atomic(() => writeField(ctx, slot, 0, cmd.data));
      return answer(SW.OK);
    },
  },
];

function expiryFromSeed(s: string): { year: number; month: number } {
  const m = /^(\d{4})-(\d{2})$/.exec(s);
  return { year: Number(m?.[1] ?? -1), month: Number(m?.[2] ?? -1) };
}

export const creditApp: CardApplication = {
  aid: APP_AID.credit,
  name: 'credit',
  areaSize: 128,
  holdsValue: false,
  install(ctx, seed) {
    const account: CreditAccount = {
      holder: seedString(seed, 'credit.holder'),
      pan: seedString(seed, 'credit.pan'),
      expiry: expiryFromSeed(seedString(seed, 'credit.expiry')),
      limit: seedNumber(seed, 'credit.limit'),
      brand: seedString(seed, 'credit.brand'),
    };
    const values = NAMES.map((f) => seedEncode(`credit.${f}`, () => encodeCreditField(f, account[f])));
    ctx.atomic(() => {
      ctx.write(0, Uint8Array.of(1));
      slots.forEach((s, i) => writeField(ctx, s, 0, values[i] ?? new Uint8Array(0)));
    });
  },
  process: (cmd, ctx) => dispatch(cmd, ctx, specs),
};
