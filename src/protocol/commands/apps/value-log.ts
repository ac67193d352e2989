/**
 * The transaction log of the value applications (e-money, membership): a cyclic log of
 * the last N entries, each 17 bytes, returned newest first by READ LOG.
 *
 *   0 date u64 (ms since 1970, from the host: the card has no clock; 0 = unknown)
 *   8 kind u8   9 amount u32   13 value after u32
 *
 * The 'reset' entry is the one a value application writes when it sets its value to
 * zero after a restore (fig. 20, 193): amount is the value it discarded, so an issuer
 * can see what to re-credit.
 */
import { concat, readU32be, readU64be, u32be, u64be } from '../../bytes.ts';
import { fail, ok, type Decoded } from '../../result.ts';

export const LOG_ENTRY_BYTES = 17;

export const LOG_KIND = { credit: 1, debit: 2, reset: 3, add: 4, redeem: 5, issue: 6 } as const;
export type LogKind = keyof typeof LOG_KIND;
const KIND_BY_CODE = new Map<number, LogKind>(Object.entries(LOG_KIND).map(([k, v]) => [v, k as LogKind]));

export interface LogEntry {
  date: number;
  kind: LogKind;
  amount: number;
  after: number;
}

export function encodeLogEntry(e: LogEntry): Uint8Array {
  return concat(u64be(e.date), Uint8Array.of(LOG_KIND[e.kind]), u32be(e.amount), u32be(e.after));
}

export function decodeLogEntry(b: Uint8Array): Decoded<LogEntry> {
  if (b.length !== LOG_ENTRY_BYTES) return fail('log entry', `expected ${LOG_ENTRY_BYTES} bytes, got ${b.length}`);
  const kind = KIND_BY_CODE.get(b[8] as number);
  if (kind === undefined) return fail('log entry', `unknown kind ${b[8]}`, 8);
  const date = readU64be(b, 0);
  if (!Number.isSafeInteger(date)) return fail('log entry', 'date beyond 2^53', 0);
  return ok({ date, kind, amount: readU32be(b, 9), after: readU32be(b, 13) });
}

/** READ LOG response: zero or more entries, newest first. */
export function decodeLog(b: Uint8Array): Decoded<LogEntry[]> {
  if (b.length % LOG_ENTRY_BYTES !== 0) return fail('log', `length ${b.length} is not a multiple of ${LOG_ENTRY_BYTES}`);
  const out: LogEntry[] = [];
  for (let o = 0; o < b.length; o += LOG_ENTRY_BYTES) {
    const e = decodeLogEntry(b.subarray(o, o + LOG_ENTRY_BYTES));
    if (!e.ok) return e;
    out.push(e.value);
  }
  return ok(out);
}

/** Data of a value command (CREDIT, DEBIT, ADD POINTS, REDEEM): amount u32 || date u64. */
export const VALUE_COMMAND_BYTES = 12;

export function encodeValueCommand(amount: number, date: number): Uint8Array {
  if (!Number.isInteger(amount) || amount < 1 || amount > 0xffffffff) throw new RangeError(`amount out of range: ${amount}`);
  return concat(u32be(amount), u64be(date));
}

export function decodeValueCommand(b: Uint8Array): Decoded<{ amount: number; date: number }> {
  if (b.length !== VALUE_COMMAND_BYTES) return fail('value command', `expected ${VALUE_COMMAND_BYTES} bytes, got ${b.length}`);
  const date = readU64be(b, 4);
  if (!Number.isSafeInteger(date)) return fail('value command', 'date beyond 2^53', 4);
  return ok({ amount: readU32be(b, 0), date });
}

/** A u32 answer (balance, points). */
export function decodeU32(b: Uint8Array): Decoded<number> {
  if (b.length !== 4) return fail('value', `expected 4 bytes, got ${b.length}`);
  return ok(readU32be(b, 0));
}
