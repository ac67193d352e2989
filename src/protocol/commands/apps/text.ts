/** Text and date fields of application data, checked the same way by card and host. */
import { concat, readU16be, u16be } from '../../bytes.ts';
import { fail, ok, type Decoded } from '../../result.ts';

const utf8 = new TextDecoder('utf-8', { fatal: true });
const enc = new TextEncoder();

export const encodeUtf8 = (s: string): Uint8Array => enc.encode(s);

/** UTF-8 text of minLen..maxLen bytes with no control characters. */
export function decodeText(b: Uint8Array, minLen: number, maxLen: number, what: string): Decoded<string> {
  if (b.length < minLen || b.length > maxLen) return fail(what, `length ${b.length} not in ${minLen}..${maxLen}`);
  let s: string;
  try {
    s = utf8.decode(b);
  } catch {
    return fail(what, 'not valid UTF-8');
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(s)) return fail(what, 'control character');
  return ok(s);
}

/** Text restricted to a pattern (ASCII fields such as an embossed name or a code). */
export function decodeAscii(b: Uint8Array, pattern: RegExp, what: string): Decoded<string> {
  for (let i = 0; i < b.length; i++) if ((b[i] as number) > 0x7e) return fail(what, 'not ASCII', i);
  const s = String.fromCharCode(...b);
  return pattern.test(s) ? ok(s) : fail(what, `"${s}" does not match ${pattern}`);
}

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

/** A calendar date as 4 bytes: year u16, month u8, day u8 (a real date, year 1900..2199). */
export function encodeCalendarDate(d: CalendarDate): Uint8Array {
  const inRange = Number.isInteger(d.year) && d.year >= 0 && d.year <= 0xffff && [d.month, d.day].every((v) => Number.isInteger(v) && v >= 0 && v <= 0xff);
  const b = inRange ? concat(u16be(d.year), Uint8Array.of(d.month, d.day)) : undefined;
  if (!b || !decodeCalendarDate(b).ok) throw new RangeError(`not a calendar date: ${d.year}-${d.month}-${d.day}`);
  return b;
}

export function decodeCalendarDate(b: Uint8Array): Decoded<CalendarDate> {
  if (b.length !== 4) return fail('date', `expected 4 bytes, got ${b.length}`);
  const year = readU16be(b, 0);
  const month = b[2] as number;
  const day = b[3] as number;
  const t = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || year > 2199 || t.getUTCMonth() !== month - 1 || t.getUTCDate() !== day) {
    return fail('date', `not a calendar date: ${year}-${month}-${day}`);
  }
  return ok({ year, month, day });
}

/** "1985-04-12" -> CalendarDate (for seeds and forms); undefined if not a date. */
export function parseIsoDate(s: string): CalendarDate | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const d = { year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) };
  const r = decodeCalendarDate(concat(u16be(d.year), Uint8Array.of(d.month, d.day)));
  return r.ok ? d : undefined;
}
