import { Hono } from 'hono';
import type { Deps } from './deps.ts';
import { clientAddress } from './guards.ts';
import { oneOriginCors } from './cors.ts';
import { IssuerError } from '../errors.ts';
import { cardRoutes } from './routes-card.ts';
import { publicRoutes } from './routes-public.ts';
import { operatorRoutes } from './routes-operator.ts';
import { consoleRoutes } from './console.ts';

/** The issuer's HTTP service (patent fig. 21). Everything not routed here is refused. */
export function issuerApp(d: Deps): Hono {
  const app = new Hono();

  app.onError((err, c) => {
    if (err instanceof IssuerError) return c.json(err.toJSON(), err.status);
    console.error('issuer: internal error', err);
    return c.json({ error: { code: 'INTERNAL', message: 'internal error; nothing was stored' } }, 500);
  });
  app.notFound((c) => c.json({ error: { code: 'NOT_FOUND', message: `no such endpoint: ${c.req.method} ${new URL(c.req.url).pathname}` } }, 404));

  app.use('*', async (c, next) => {
    d.perIp.hit(clientAddress(c), 'this address');
    await next();
  });

  // Exactly the configured app origin; anything else gets no CORS headers, and a
  // cross-origin request from elsewhere with an Origin header is refused outright.
  app.use('/v1/*', oneOriginCors(d.config.appOrigin, ['authorization', 'content-type', 'x-content-sha256'], 600));
  app.use('/v1/*', async (c, next) => {
    const origin = c.req.header('origin');
    if (origin !== undefined && origin !== d.config.appOrigin && origin !== new URL(c.req.url).origin) {
      throw new IssuerError('ORIGIN_REFUSED', `origin ${origin} is not the configured app origin`);
    }
    await next();
  });

  app.get('/v1/health', (c) => c.json({ ok: true, driver: d.db.driver, issuer: d.authority.issuerId }));
  app.route('/v1', cardRoutes(d));
  app.route('/v1', publicRoutes(d));
  app.route('/v1/operator', operatorRoutes(d));
  app.route('/console', consoleRoutes(d));
  return app;
}
