/**
 * The command shapes both value applications (e-money, membership) share, protocol
 * version 2 (docs/protocol-apps.md). One definition, so the two applications cannot
 * drift apart:
 *
 *   LOAD   (e-money CREDIT, membership ADD POINTS)  data: date u64 ‖ load token
 *          -> value after u32. The load token (src/protocol/trust/load-token.ts) is the
 *          issuer's, signed by its epoch key and bound to card, AID, amount and the card's
 *          load counter + 1: the only way value enters a card.
 *   SPEND  (e-money DEBIT, membership REDEEM)        data: amount u32 ‖ date u64 ‖ challenge (0-32)
 *          -> the card-signed receipt (src/protocol/trust/receipt.ts) naming card, AID,
 *          amount, spend counter, value after and the terminal's challenge.
 *   READ COUNTERS                                    -> value u32 ‖ load counter u32 ‖ spend counter u32
 *   READ LOG                                         -> the value log, newest first
 */
import { command, type CommandApdu } from '../../apdu.ts';
import { concat, readU32be, readU64be, u32be, u64be } from '../../bytes.ts';
import { fail, ok, type Decoded } from '../../result.ts';
import { AID_MAX_BYTES, AID_MIN_BYTES } from '../../trust/load-token.ts';
import { CHALLENGE_MAX_BYTES, decodeReceipt, type Receipt } from '../../trust/receipt.ts';
import { SIGNATURE_BYTES } from '../../trust/codec.ts';
import { APP_CLA } from './ids.ts';
import { parsePlain } from './reply.ts';
import { decodeLog, decodeU32, type LogEntry } from './value-log.ts';

/** Load token bytes without the AID: magic 4, version 1, issuer 4, epoch 2, card 8, AID length 1, amount 4, counter 4, signature. */
const TOKEN_FIXED_BYTES = 4 + 1 + 4 + 2 + 8 + 1 + 4 + 4 + SIGNATURE_BYTES;
/** LOAD data length range: date 8 + a token with a 5..16-byte AID. */
export const LOAD_COMMAND_BYTES = [8 + TOKEN_FIXED_BYTES + AID_MIN_BYTES, 8 + TOKEN_FIXED_BYTES + AID_MAX_BYTES] as const;
/** SPEND data length range: amount 4 + date 8 + challenge 0..32. */
export const SPEND_COMMAND_BYTES = [12, 12 + CHALLENGE_MAX_BYTES] as const;
export const COUNTERS_BYTES = 12;

const checkDate = (date: number) => {
  if (!Number.isSafeInteger(date) || date < 0) throw new RangeError(`date out of range: ${date}`);
};

export function encodeLoadCommand(token: Uint8Array, date: number): Uint8Array {
  checkDate(date);
  return concat(u64be(date), token);
}

/** The date and the token's bytes (the card decodes and checks the token itself). */
export function decodeLoadCommand(b: Uint8Array): Decoded<{ date: number; token: Uint8Array }> {
  if (b.length < 8) return fail('load command', `expected at least 8 bytes, got ${b.length}`);
  const date = readU64be(b, 0);
  if (!Number.isSafeInteger(date)) return fail('load command', 'date beyond 2^53', 0);
  return ok({ date, token: b.subarray(8) });
}

export function encodeSpendCommand(amount: number, date: number, challenge: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (!Number.isInteger(amount) || amount < 1 || amount > 0xffffffff) throw new RangeError(`amount out of range: ${amount}`);
  checkDate(date);
  if (challenge.length > CHALLENGE_MAX_BYTES) throw new RangeError(`challenge over ${CHALLENGE_MAX_BYTES} bytes: ${challenge.length}`);
  return concat(u32be(amount), u64be(date), challenge);
}

export function decodeSpendCommand(b: Uint8Array): Decoded<{ amount: number; date: number; challenge: Uint8Array }> {
  const what = 'spend command';
  if (b.length < SPEND_COMMAND_BYTES[0] || b.length > SPEND_COMMAND_BYTES[1]) return fail(what, `expected ${SPEND_COMMAND_BYTES[0]}-${SPEND_COMMAND_BYTES[1]} bytes, got ${b.length}`);
  const date = readU64be(b, 4);
  if (!Number.isSafeInteger(date)) return fail(what, 'date beyond 2^53', 4);
  return ok({ amount: readU32be(b, 0), date, challenge: b.slice(12) });
}

export interface ValueCounters {
  value: number;
  /** Loads accepted so far: the next load token must carry loadCounter + 1. */
  loadCounter: number;
  /** Spends so far: the next receipt names spendCounter + 1. */
  spendCounter: number;
}

export function encodeCounters(c: ValueCounters): Uint8Array {
  return concat(u32be(c.value), u32be(c.loadCounter), u32be(c.spendCounter));
}

export function decodeCounters(b: Uint8Array): Decoded<ValueCounters> {
  if (b.length !== COUNTERS_BYTES) return fail('value counters', `expected ${COUNTERS_BYTES} bytes, got ${b.length}`);
  return ok({ value: readU32be(b, 0), loadCounter: readU32be(b, 4), spendCounter: readU32be(b, 8) });
}

export function loadCommand(ins: number, name: string) {
  return {
    getApdu: (token: Uint8Array, date: number): CommandApdu => command(APP_CLA, ins, 0, 0, encodeLoadCommand(token, date), 4),
    /** The value after the load. */
    parseResponse: (r: Uint8Array): number => parsePlain(r, name, decodeU32),
  };
}

export function spendCommand(ins: number, name: string) {
  return {
    getApdu: (amount: number, date: number, challenge?: Uint8Array): CommandApdu => command(APP_CLA, ins, 0, 0, encodeSpendCommand(amount, date, challenge), 256),
    /** The card-signed receipt (its signature is checked by whoever holds the card's certificate). */
    parseResponse: (r: Uint8Array): Receipt => parsePlain(r, name, decodeReceipt),
  };
}

export function readCountersCommand(ins: number, name: string) {
  return {
    getApdu: (): CommandApdu => command(APP_CLA, ins, 0, 0, undefined, COUNTERS_BYTES),
    parseResponse: (r: Uint8Array): ValueCounters => parsePlain(r, name, decodeCounters),
  };
}

export function readLogCommand(ins: number, name: string) {
  return {
    getApdu: (): CommandApdu => command(APP_CLA, ins, 0, 0, undefined, 256),
    parseResponse: (r: Uint8Array): LogEntry[] => parsePlain(r, name, decodeLog),
  };
}
