/**
 * How a host reads an application's answer: one place where status words become a
 * typed result (DESIGN.md: one place where status words become domain errors).
 */
import type { ResponseApdu } from '../../apdu.ts';
import type { Decoded } from '../../result.ts';
import { describeSw, SW } from '../../status-words.ts';

/** The card refused the command; `sw` says why (docs/protocol-apps.md lists them). */
export class AppStatusError extends Error {
  readonly code = 'APP_STATUS' as const;
  readonly sw: number;
  constructor(sw: number, options?: { cause?: unknown }) {
    super(`application answered ${describeSw(sw)}`, options);
    this.name = 'AppStatusError';
    this.sw = sw;
  }
}

export type AppResult<T> =
  | {
      ok: true;
      value: T;
      /**
       * SW 6283 (fig. 20, the patent's "tell the host by a response code"): the
       * application was restored and has just set its value to zero. On a read the
       * value is the read data; on a value command the command was NOT executed.
       */
      valueReset: boolean;
    }
  | { ok: false; sw: number; error: Error };

/**
 * Turn a response into a result: 9000 and 6283 decode the data, anything else is an
 * AppStatusError. A 6283 with no data (a value command that was not executed) gives
 * `value: undefined`, so callers of value commands see `T | undefined`.
 */
export function parseWith<T>(r: ResponseApdu, decode: (data: Uint8Array) => Decoded<T>): AppResult<T | undefined> {
  if (r.sw !== SW.OK && r.sw !== SW.VALUE_RESET) return { ok: false, sw: r.sw, error: new AppStatusError(r.sw) };
  const valueReset = r.sw === SW.VALUE_RESET;
  if (valueReset && r.data.length === 0) return { ok: true, value: undefined, valueReset };
  const d = decode(r.data);
  if (!d.ok) return { ok: false, sw: r.sw, error: d.error };
  return { ok: true, value: d.value, valueReset };
}

/** For reads, which always return data (also with 6283). */
export function parseRead<T>(r: ResponseApdu, decode: (data: Uint8Array) => Decoded<T>): AppResult<T> {
  const res = parseWith(r, decode);
  if (res.ok && res.value === undefined) {
    return { ok: false, sw: r.sw, error: new AppStatusError(r.sw) };
  }
  return res as AppResult<T>;
}
