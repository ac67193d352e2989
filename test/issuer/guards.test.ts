import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { limitBody } from '../../issuer/http/guards.ts';
import { oneOriginCors } from '../../issuer/http/cors.ts';
import { IssuerError } from '../../issuer/errors.ts';

// The service's own body bound and one-origin CORS (issuer/http/guards.ts, cors.ts),
// which replaced Hono's middleware on the hot path: same answers, checked here directly.
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
