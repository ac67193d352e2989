/**
 * Membership points (fig. 21), a value application (fig. 20). AID A0000009990205.
 *
 * Area layout (256 bytes):
 *   0 layout version u8 (1)   1 tier u8 (0 regular .. 3 platinum)   2 points u32
 *   6 member number (16 ASCII digits)
 *   22 transaction log: last 8 entries (cyclic-log.ts)
 *
 * ADD POINTS is what a shop terminal sends: no PIN, recorded in the load history
 * (claims 18-23). REDEEM spends points and needs the PIN.
 */
import { concat } from '../../protocol/bytes.ts';
import { APP_AID, INS, TIERS, type Tier } from '../../protocol/commands/apps/ids.ts';
import { MEMBER_NUMBER_BYTES } from '../../protocol/commands/apps/membership.ts';
import { VALUE_COMMAND_BYTES } from '../../protocol/commands/apps/value-log.ts';
import { SW } from '../../protocol/status-words.ts';
import type { CardApplication } from '../app-api.ts';
import { CyclicLog } from './cyclic-log.ts';
import { dispatch, answer, type CommandSpec } from './dispatch.ts';
import { seedNumber, seedString } from './seed.ts';
import { ValueRegister } from './value-register.ts';

export const MEMBERSHIP_MAX_POINTS = 99_999_999;
export const MEMBERSHIP_LOG_CAPACITY = 8;
const LAYOUT_VERSION = 1;
const TIER_AT = 1;
const NUMBER_AT = 6;
const register = new ValueRegister(2, new CyclicLog(22, MEMBERSHIP_LOG_CAPACITY), MEMBERSHIP_MAX_POINTS);
const I = INS.membership;
const valueCmd = [VALUE_COMMAND_BYTES, VALUE_COMMAND_BYTES] as const;

const specs: readonly CommandSpec[] = [
  {
    ins: I.read,
    lc: [0, 0],
    run: (_cmd, ctx) => answer(SW.OK, concat(ctx.read(NUMBER_AT, MEMBER_NUMBER_BYTES), ctx.read(TIER_AT, 1), ctx.read(register.at, 4))),
  },
  {
    ins: I.addPoints,
    lc: valueCmd,
    changesValue: true,
    run: (cmd, ctx) => register.change(cmd, ctx, 'add', 1, (amount, date) => ctx.recordLoad({ date, what: 'points-load', amount })),
  },
  { ins: I.redeem, lc: valueCmd, pin: true, changesValue: true, run: (cmd, ctx) => register.change(cmd, ctx, 'redeem', -1) },
  { ins: I.readLog, lc: [0, 0], run: (_cmd, ctx) => answer(SW.OK, register.log.newestFirst(ctx)) },
];

export const membershipApp: CardApplication = {
  aid: APP_AID.membership,
  name: 'membership',
  areaSize: 256,
  holdsValue: true,
  install(ctx, seed) {
    const number = seedString(seed, 'membership.number');
    if (!/^\d{16}$/.test(number)) throw new TypeError('seed membership.number: expected 16 digits');
    const tier = TIERS.indexOf(seedString(seed, 'membership.tier') as Tier);
    if (tier < 0) throw new TypeError(`seed membership.tier: expected one of ${TIERS.join(', ')}`);
    const points = seedNumber(seed, 'membership.points', MEMBERSHIP_MAX_POINTS);
    const issuedAt = seedNumber(seed, 'membership.issuedAt', Number.MAX_SAFE_INTEGER);
    ctx.atomic(() => {
      ctx.write(0, Uint8Array.of(LAYOUT_VERSION, tier));
      ctx.write(NUMBER_AT, Uint8Array.from(number, (c) => c.charCodeAt(0)));
      register.issue(ctx, points, issuedAt);
    });
  },
  process: (cmd, ctx) => dispatch(cmd, ctx, specs, (c) => register.reset(c)),
};
