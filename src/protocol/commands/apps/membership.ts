/**
 * Membership (points) application commands (AID A0000009990205). Points are value, kept
 * by the card OS outside the backed-up memory like e-money (version 2). ADD POINTS takes
 * an issuer-signed load token (recorded in the load history, claims 18-23); REDEEM spends
 * points, needs the PIN and answers a card-signed receipt.
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { ByteReader } from '../../bytes.ts';
import { fail, ok, type Decoded } from '../../result.ts';
import { APP_CLA, INS, TIERS, type Tier } from './ids.ts';
import { parsePlain } from './reply.ts';
import { loadCommand, readCountersCommand, readLogCommand, spendCommand } from './value-commands.ts';

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
  parseResponse: (r: Uint8Array): MembershipInfo => parsePlain(r, 'membership READ', decodeMembershipInfo),
};

/** ADD POINTS (load): 80 72 00 00 Lc date u64 ‖ load token 04 -> points after u32. */
export const membershipAddPoints = loadCommand(I.addPoints, 'ADD POINTS');

/** REDEEM (spend, needs the PIN): 80 74 00 00 Lc points u32 ‖ date u64 ‖ challenge (0-32) 00 -> receipt. */
export const membershipRedeem = spendCommand(I.redeem, 'REDEEM');

/** READ LOG: 80 76 00 00 00 -> entries newest first. */
export const membershipReadLog = readLogCommand(I.readLog, 'membership READ LOG');

/** READ COUNTERS: 80 78 00 00 0C -> points u32 ‖ load counter u32 ‖ spend counter u32. */
export const membershipReadCounters = readCountersCommand(I.readCounters, 'membership READ COUNTERS');
