/**
 * Identifiers of the card's five applications (patent fig. 21: e-money, credit, ID,
 * medical, membership) and their proprietary instruction bytes. Shared by the card
 * (src/card-sim/apps) and the host, so both ends name the same bytes.
 * docs/protocol-apps.md is the prose reference.
 */
import { concat } from '../../bytes.ts';
import { CLA_PROPRIETARY } from '../codes.ts';
import { APPLICATION_AID_PREFIX } from '../select.ts';

const aid = (n: number) => concat(APPLICATION_AID_PREFIX, Uint8Array.of(n));

/** A00000099902 01..05 (the card manager is A0000009990100). */
export const APP_AID = {
  emoney: aid(0x01),
  credit: aid(0x02),
  id: aid(0x03),
  medical: aid(0x04),
  membership: aid(0x05),
} as const;

export type AppKey = keyof typeof APP_AID;

/** Every application command is proprietary class (ISO 7816-4 §5.4.1: CLA 80). */
export const APP_CLA = CLA_PROPRIETARY;

/**
 * Instruction bytes. Each application has its own range so a trace is readable, and
 * none collides with the card OS's own proprietary commands (10, B0-B6, C0-C6, CA, D0, D2).
 */
export const INS = {
  emoney: { credit: 0x30, debit: 0x32, readBalance: 0x34, readLog: 0x36, readCounters: 0x38 },
  credit: { read: 0x40, update: 0x42 },
  id: { read: 0x50, update: 0x52 },
  medical: { readRecord: 0x60, appendRecord: 0x62, count: 0x64 },
  membership: { read: 0x70, addPoints: 0x72, redeem: 0x74, readLog: 0x76, readCounters: 0x78 },
} as const;

/** Field tags (P1 of READ/UPDATE) of the credit application. */
export const CREDIT_FIELD = { holder: 0x01, pan: 0x02, expiry: 0x03, limit: 0x04, brand: 0x05 } as const;
/** Field tags (P1 of READ/UPDATE) of the ID application. */
export const ID_FIELD = { name: 0x01, birth: 0x02, address: 0x03, photo: 0x04 } as const;

/** Membership tiers, by their byte on the card. */
export const TIERS = ['regular', 'silver', 'gold', 'platinum'] as const;
export type Tier = (typeof TIERS)[number];
