import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { addressKey, limitBody, RateLimiter } from '../../issuer/http/guards.ts';
import { oneOriginCors } from '../../issuer/http/cors.ts';
import { IssuerError } from '../../issuer/errors.ts';

// The service's own body bound and one-origin CORS (issuer/http/guards.ts, cors.ts),
// which replaced Hono's middleware on the hot path: same answers, checked here directly;
// and its per-process request-volume bound, with the address it counts under.
function app() {
  const a = new Hono();
  a.onError((e, c) => (e instanceof IssuerError ? c.json(e.toJSON(), e.status) : c.json({ error: { code: 'INTERNAL' } }, 500)));
  a.use('*', oneOriginCors('https://app.example', ['authorization'], 600));
  a.post('/up', limitBody(8), async (c) => c.json({ n: (await c.req.arrayBuffer()).byteLength }));
  return a;
}
const stream = (n: number) =>
  new ReadableStream<Uint8Array>({
    start(ctl) {
      for (let i = 0; i < n; i++) ctl.enqueue(Uint8Array.of(i));
      ctl.close();
    },
  });
const code = async (r: Response) => ((await r.json()) as { error?: { code: string } }).error?.code;

describe('issuer body bound', () => {
  it('decides by Content-Length when there is one', async () => {
    expect(await (await app().request('/up', { method: 'POST', body: new Uint8Array(8), headers: { 'content-length': '8' } })).json()).toEqual({ n: 8 });
    // The header alone decides: a claimed 9 bytes is refused before any is read.
    const big = await app().request('/up', { method: 'POST', body: new Uint8Array(1), headers: { 'content-length': '9' } });
    expect([big.status, await code(big)]).toEqual([413, 'TOO_LARGE']);
    const bad = await app().request('/up', { method: 'POST', body: new Uint8Array(2), headers: { 'content-length': '1e3' } });
    expect([bad.status, await code(bad)]).toEqual([400, 'BAD_REQUEST']);
  });

  it('counts a body sent without a length (chunked) as it reads', async () => {
    const ok = await app().request('/up', { method: 'POST', body: stream(8), duplex: 'half' } as RequestInit);
    expect(await ok.json()).toEqual({ n: 8 });
    const big = await app().request('/up', { method: 'POST', body: stream(9), duplex: 'half' } as RequestInit);
    expect([big.status, await code(big)]).toEqual([413, 'TOO_LARGE']);
  });
});

describe('issuer CORS for the app origin only', () => {
  it('answers the app origin its preflight and its requests, and no other origin', async () => {
    const pre = await app().request('/up', { method: 'OPTIONS', headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' } });
    expect(pre.status).toBe(204);
    expect(Object.fromEntries(['access-control-allow-origin', 'access-control-allow-headers', 'access-control-max-age', 'vary'].map((h) => [h, pre.headers.get(h)]))).toEqual({
      'access-control-allow-origin': 'https://app.example',
      'access-control-allow-headers': 'authorization',
      'access-control-max-age': '600',
      vary: 'Origin',
    });
    const evilPre = await app().request('/up', { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    expect(evilPre.headers.get('access-control-allow-origin')).toBeNull();
    const mine = await app().request('/up', { method: 'POST', body: new Uint8Array(1), headers: { origin: 'https://app.example' } });
    expect([mine.headers.get('access-control-allow-origin'), mine.headers.get('vary')]).toEqual(['https://app.example', 'Origin']);
    const other = await app().request('/up', { method: 'POST', body: new Uint8Array(1), headers: { origin: 'https://evil.example' } });
    expect([other.headers.get('access-control-allow-origin'), other.headers.get('vary')]).toEqual([null, 'Origin']);
  });
});

describe('issuer request-volume bound (per process)', () => {
  it('refuses the request over the bound in its window, naming it, and counts afresh in the next', () => {
    let t = 0;
    const r = new RateLimiter(3, 60_000, () => t);
    for (let i = 0; i < 3; i++) r.hit('10.0.0.1', 'this address');
    expect(() => r.hit('10.0.0.1', 'this address')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED', message: 'too many requests for this address: at most 3 per 60 s' }));
    r.hit('10.0.0.2', 'this address'); // another key has its own count
    t = 60_000;
    r.hit('10.0.0.1', 'this address');
  });

  it('holds at most maxKeys windows: drops expired ones first, then the oldest, never the others', () => {
    let t = 0;
    const r = new RateLimiter(2, 1000, () => t, 3);
    r.hit('a', 'a');
    r.hit('a', 'a');
    t = 10;
    r.hit('b', 'b');
    r.hit('b', 'b');
    r.hit('c', 'c');
    // Full, none expired: a new key drops the oldest window (a), keeping b's and c's counts.
    r.hit('d', 'd');
    expect(r.size).toBe(3);
    expect(() => r.hit('b', 'b')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    r.hit('a', 'a'); // a starts afresh and drops b, now the oldest
    r.hit('c', 'c');
    expect(() => r.hit('c', 'c')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    r.hit('b', 'b'); // b was dropped: it starts afresh
    expect(r.size).toBe(3);
    // Later, every window has expired: the next new key sweeps them.
    t = 5000;
    r.hit('e', 'e');
    expect(r.size).toBe(1);
  });

  it('counts an IPv6 client by its /64 and an IPv4-mapped address as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:ffff:ffff:ffff:ffff')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::7')).toBe('2001:db8:0:0::/64');
    expect(addressKey('fe80::1%eth0')).toBe('fe80:0:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    const r = new RateLimiter(1, 1000, () => 0);
    r.hit(addressKey('2001:db8:1:2::1'), 'this address');
    expect(() => r.hit(addressKey('2001:db8:1:2::2'), 'this address')).toThrow(expect.objectContaining({ code: 'RATE_LIMITED' }));
    r.hit(addressKey('2001:db8:1:3::1'), 'this address'); // the next /64 is another subscriber
  });
});
