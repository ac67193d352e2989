import type { MiddlewareHandler } from 'hono';

/**
 * CORS for exactly one origin, the app's (ISSUER_APP_ORIGIN): that origin gets
 * Access-Control-Allow-Origin and its preflights are answered; any other origin gets no
 * CORS header (and app.ts refuses its requests outright). Same answers as hono/cors with
 * a one-origin function, but the headers go through c.header() before the handler runs:
 * hono/cors writes c.res.headers, which makes @hono/node-server build a full web Response
 * for every request (~0.09 ms each, a fifth of a diff upload's cost in the bench).
 */
export function oneOriginCors(appOrigin: string, allowHeaders: readonly string[], maxAgeSeconds: number): MiddlewareHandler {
  const headers = allowHeaders.join(',');
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && origin === appOrigin;
    if (c.req.method === 'OPTIONS') {
      const h: Record<string, string> = { vary: 'Origin' };
      if (allowed) {
        h['access-control-allow-origin'] = appOrigin;
        h['access-control-allow-methods'] = 'GET,HEAD,POST';
        h['access-control-allow-headers'] = headers;
        h['access-control-max-age'] = String(maxAgeSeconds);
      }
      return c.body(null, 204, h);
    }
    if (allowed) c.header('access-control-allow-origin', appOrigin);
    c.header('vary', 'Origin', { append: true });
    await next();
    return undefined;
  };
}
