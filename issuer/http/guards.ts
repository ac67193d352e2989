import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { getConnInfo } from '@hono/node-server/conninfo';
import { IssuerError } from '../errors.ts';
import { fromHex } from '../../src/protocol/bytes.ts';

/** Bounds every body: a request over `max` bytes is refused before it is read in full.
 *  With a Content-Length (Node's parser then delivers exactly that many bytes) the header
 *  decides at once; a chunked body goes through Hono's bodyLimit, which counts as it reads.
 *  (Hono's bodyLimit alone costs ~0.17 ms per request: it turns @hono/node-server's light
 *  request into a full web Request just to read the header; the bench's diff upload is
 *  ~0.5 ms in all.) */
export const limitBody = (max: number): MiddlewareHandler => {
  const counted = bodyLimit({
    maxSize: max,
    onError: () => {
      throw new IssuerError('TOO_LARGE', `request body over ${max} bytes`);
    },
  });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return counted(c, next);
    if (!/^\d{1,15}$/.test(length)) throw new IssuerError('BAD_REQUEST', 'Content-Length is not a byte count');
    if (Number(length) > max) throw new IssuerError('TOO_LARGE', `request body over ${max} bytes`);
    await next();
  };
};

/** Fixed-window request counters per key (address or card number), in this process's
 *  memory: they bound request volume, and a database row per request would add a write
 *  (and a hot row per card) to every upload. Several processes each count their own
 *  share: docs/issuer.md ("Several processes") says what holds and what an operator sets.
 *  The bound on secret guesses is kept in the database instead (issuer/store/attempts.ts).
 *  Memory is bounded too: at most `maxKeys` windows; a new key past that drops the expired
 *  windows, and if none has expired the oldest (that key only starts a fresh window
 *  early), never all of them at once. */
export class RateLimiter {
  // A Map keeps insertion order: a window is (re)inserted when it starts, so the first
  // entries are the oldest windows.
  private readonly windows = new Map<string, { start: number; count: number }>();
  constructor(
    private readonly perWindow: number,
    private readonly windowMs: number,
    private readonly now: () => number,
    private readonly maxKeys = 100_000,
  ) {}

  /** Windows held now (for tests of the bound). */
  get size(): number {
    return this.windows.size;
  }

  hit(key: string, what: string): void {
    const t = this.now();
    const w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      this.windows.delete(key);
      if (this.windows.size >= this.maxKeys) this.evict(t);
      this.windows.set(key, { start: t, count: 1 });
      return;
    }
    w.count++;
    if (w.count > this.perWindow) {
      throw new IssuerError('RATE_LIMITED', `too many requests for ${what}: at most ${this.perWindow} per ${this.windowMs / 1000} s`);
    }
  }

  private evict(t: number): void {
    for (const [k, w] of this.windows) {
      if (t - w.start < this.windowMs) break;
      this.windows.delete(k);
    }
    if (this.windows.size >= this.maxKeys) {
      const oldest = this.windows.keys().next();
      if (!oldest.done) this.windows.delete(oldest.value);
    }
  }
}

/**
 * The address a request is counted under: IPv4 as it is (an IPv4-mapped IPv6 address as
 * its IPv4), IPv6 by its /64 prefix, since one subscriber commonly holds a whole /64
 * and would otherwise have 2^64 addresses to spread guesses and floods over.
 */
export function addressKey(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1]) return mapped[1];
  if (!ip.includes(':')) return ip;
  const [head = '', tail = ''] = ip.split('%')[0]?.split('::') ?? [];
  const h = head ? head.split(':') : [];
  const tl = tail ? tail.split(':') : [];
  const groups = ip.includes('::') ? [...h, ...Array<string>(Math.max(0, 8 - h.length - tl.length)).fill('0'), ...tl] : h;
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/** The request's address as the per-address bounds count it (addressKey). The service
 *  does not read X-Forwarded-For: a client could write it (docs/issuer.md). */
export function clientAddress(c: Context): string {
  try {
    return addressKey(getConnInfo(c).remote.address ?? 'unknown');
  } catch {
    return 'unknown'; // not served by @hono/node-server (app.request in a test)
  }
}

/** The request's media type must be `want` (parameters such as charset aside). */
export function requireContentType(c: Context, want: string): void {
  const got = c.req.header('content-type');
  const type = got?.split(';')[0]?.trim().toLowerCase();
  if (type !== want) throw new IssuerError('WRONG_CONTENT_TYPE', `Content-Type must be ${want}, got ${got === undefined ? 'none' : `"${got.slice(0, 60)}"`}`);
}

export async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  requireContentType(c, 'application/json');
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (cause) {
    if (cause instanceof IssuerError) throw cause;
    throw new IssuerError('BAD_REQUEST', 'the body is not JSON', { cause });
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new IssuerError('BAD_REQUEST', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

export function hexField(body: Record<string, unknown>, name: string, length?: number): Uint8Array {
  const v = body[name];
  if (typeof v !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(v)) throw new IssuerError('BAD_REQUEST', `field "${name}" must be a hex string`);
  const b = fromHex(v);
  if (length !== undefined && b.length !== length) throw new IssuerError('BAD_REQUEST', `field "${name}" must be ${length} bytes, got ${b.length}`);
  return b;
}

export function stringField(body: Record<string, unknown>, name: string, max = 200): string {
  const v = body[name];
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw new IssuerError('BAD_REQUEST', `field "${name}" must be a string of 1..${max} characters`);
  return v;
}

export function intField(body: Record<string, unknown>, name: string, min: number, max: number): number {
  const v = body[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) throw new IssuerError('BAD_REQUEST', `field "${name}" must be a whole number in ${min}..${max}`);
  return v;
}

export function cardParam(c: Context): string {
  const card = c.req.param('card') ?? '';
  if (!/^\d{16}$/.test(card)) throw new IssuerError('BAD_REQUEST', `card number must be 16 digits, got "${card.slice(0, 20)}"`);
  return card;
}

/** The session token, or undefined when no Authorization header was sent; a header of
 *  another shape is refused as such (not taken for "no session"). */
export function bearer(c: Context): string | undefined {
  const h = c.req.header('authorization');
  if (h === undefined) return undefined;
  const m = h.match(/^Bearer ([0-9a-f]{64})$/);
  if (!m?.[1]) throw new IssuerError('UNAUTHENTICATED', 'Authorization header must be "Bearer" and the session token (64 lower-case hex digits)');
  return m[1];
}
