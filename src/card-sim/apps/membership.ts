/**
 * Membership points (fig. 21), a value application (fig. 20). AID A0000009990205.
 *
 * Area layout (256 bytes, backed up: membership data, not value):
 *   0 layout version u8 (2)   1 tier u8 (0 regular .. 3 platinum)
 *   6 member number (16 ASCII digits)
 * The points, their load and spend counters and the value log are the card OS's
 * (AppContext.value, outside the backed-up memory, version 2).
 *
 * ADD POINTS takes an issuer-signed load token (recorded in the load history, claims
 * 18-23). REDEEM spends points, needs the PIN and answers a card-signed receipt.
 */
import { concat, u32be } from '../../protocol/bytes.ts';
import { APP_AID, INS, TIERS, type Tier } from '../../protocol/commands/apps/ids.ts';
import { MEMBER_NUMBER_BYTES } from '../../protocol/commands/apps/membership.ts';
import { SW } from '../../protocol/status-words.ts';
import type { CardApplication } from '../app-api.ts';
import { dispatch, answer, type CommandSpec } from './dispatch.ts';
import { seedString } from './seed.ts';
import { countersSpec, loadSpec, logSpec, spendSpec, valueOf } from './value-register.ts';

export const MEMBERSHIP_MAX_POINTS = 99_999_999;
const LAYOUT_VERSION = 2;
const TIER_AT = 1;
const NUMBER_AT = 6;
const I = INS.membership;

const specs: readonly CommandSpec[] = [
  {
    ins: I.read,
    lc: [0, 0],
    run: (_cmd, ctx) => answer(SW.OK, concat(ctx.read(NUMBER_AT, MEMBER_NUMBER_BYTES), ctx.read(TIER_AT, 1), u32be(valueOf(ctx)))),
  },
  loadSpec(I.addPoints, MEMBERSHIP_MAX_POINTS, 'points-load'),
  spendSpec(I.redeem, true),
  logSpec(I.readLog),
  countersSpec(I.readCounters),
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
    // Points start at zero: they enter only by load tokens, never by personalisation data.
    ctx.atomic(() => {
      ctx.write(0, Uint8Array.of(LAYOUT_VERSION, tier));
      ctx.write(NUMBER_AT, Uint8Array.from(number, (c) => c.charCodeAt(0)));
    });
  },
  process: (cmd, ctx) => dispatch(cmd, ctx, specs, (c) => c.value.noteRestore()),
};
