/**
 * Membership (points) application commands (AID A0000009990205). Points are value
 * (fig. 20): they reset to zero after a restore, like e-money. ADD POINTS is what a
 * shop terminal sends (no PIN; recorded in the load history, claims 18-23); REDEEM
 * spends points and needs the PIN.
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { ByteReader } from '../../bytes.ts';
import { fail, ok, type Decoded } from '../../result.ts';
import { APP_CLA, INS, TIERS, type Tier } from './ids.ts';
import { parseValueRead, type ValueReply } from './reply.ts';
import { readLogCommand, valueChangeCommand } from './value-commands.ts';

const I = INS.membership;
export const MEMBER_NUMBER_BYTES = 16;
/** READ response: member number (16 ASCII digits) || tier u8 || points u32. */
export const MEMBERSHIP_INFO_BYTES = MEMBER_NUMBER_BYTES + 1 + 4;

export interface MembershipInfo {
  memberNumber: string;
  tier: Tier;
  points: number;
}

export function decodeMembershipInfo(b: Uint8Array): Decoded<MembershipInfo> {
  const what = 'membership info';
  if (b.length !== MEMBERSHIP_INFO_BYTES) return fail(what, `expected ${MEMBERSHIP_INFO_BYTES} bytes, got ${b.length}`);
  const r = new ByteReader(b);
  const num = String.fromCharCode(...(r.take(MEMBER_NUMBER_BYTES) ?? []));
  if (!/^\d{16}$/.test(num)) return fail(what, 'member number is not 16 digits', 0);
  const tier = TIERS[r.u8() ?? 255];
  if (tier === undefined) return fail(what, `unknown tier ${b[MEMBER_NUMBER_BYTES]}`, MEMBER_NUMBER_BYTES);
  return ok({ memberNumber: num, tier, points: r.u32() ?? 0 });
}

/** READ: 80 70 00 00 15 -> MembershipInfo. */
export const membershipRead = {
  getApdu: (): CommandApdu => command(APP_CLA, I.read, 0, 0, undefined, MEMBERSHIP_INFO_BYTES),
  parseResponse: (r: Uint8Array): ValueReply<MembershipInfo> => parseValueRead(r, 'membership READ', decodeMembershipInfo),
};

/** ADD POINTS: 80 72 00 00 0C points u32 date u64 04 -> points after. */
export const membershipAddPoints = valueChangeCommand(I.addPoints, 'ADD POINTS');

/** REDEEM: 80 74 00 00 0C points u32 date u64 04 -> points after (needs PIN). */
export const membershipRedeem = valueChangeCommand(I.redeem, 'REDEEM');

/** READ LOG: 80 76 00 00 00 -> entries newest first. */
export const membershipReadLog = readLogCommand(I.readLog, 'membership READ LOG');
