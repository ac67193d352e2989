/**
 * Decoders never throw on bad bytes: they return a typed error naming what was wrong.
 * Callers that want exceptions use `unwrap`.
 */
export class DecodeError extends Error {
  readonly code = 'DECODE_ERROR' as const;
  /** What was being decoded, e.g. "CCID message", "ATR", "T=1 block". */
  readonly what: string;
  /** Byte offset where decoding failed, when known. */
  readonly offset: number | undefined;

  constructor(what: string, message: string, offset?: number, options?: { cause?: unknown }) {
    super(`${what}: ${message}${offset === undefined ? '' : ` (at byte ${offset})`}`, options);
    this.name = 'DecodeError';
    this.what = what;
    this.offset = offset;
  }
}

export type Decoded<T> = { ok: true; value: T } | { ok: false; error: DecodeError };

export const ok = <T>(value: T): Decoded<T> => ({ ok: true, value });
export const fail = <T = never>(what: string, message: string, offset?: number): Decoded<T> => ({
  ok: false,
  error: new DecodeError(what, message, offset),
});

export function unwrap<T>(d: Decoded<T>): T {
  if (!d.ok) throw d.error;
  return d.value;
}
