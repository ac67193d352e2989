/**
 * The value log of the value applications (e-money, membership): a cyclic log of the
 * last N value events, each 17 bytes, returned newest first by READ LOG. The card OS
 * keeps it beside the value, outside the backed-up memory (src/card-sim/value-store.ts),
 * so no restore rewrites it.
 *
 *   0 date u64 (ms since 1970, from the host: the card has no clock; 0 = unknown)
 *   8 kind u8   9 amount u32   13 value after u32
 *
 * Kinds (protocol version 2): load (by an issuer-signed load token), spend (answered with
 * a card-signed receipt), restore. A 'restore' entry has amount 0: the value is not part
 * of any backup, so a restore (same card or another card's backup) neither adds nor
 * discards value; `after` is the value the card kept.
 */
import { concat, readU32be, readU64be, u32be, u64be } from '../../bytes.ts';
import { fail, ok, type Decoded } from '../../result.ts';

export const LOG_ENTRY_BYTES = 17;

/** Version 2 codes; 1-6 were version 1's credit/debit/reset/add/redeem/issue and are never written. */
export const LOG_KIND = { load: 0x11, spend: 0x12, restore: 0x13 } as const;
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

/** A u32 answer (balance, points). */
export function decodeU32(b: Uint8Array): Decoded<number> {
  if (b.length !== 4) return fail('value', `expected 4 bytes, got ${b.length}`);
  return ok(readU32be(b, 0));
}
