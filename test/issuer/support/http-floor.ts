import { Hono } from 'hono';
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { randomBytes } from '@noble/hashes/utils.js';
import { hex } from '../../../src/protocol/bytes.ts';
import { binaryBody } from '../../../issuer/http/body.ts';

/**
 * The issuer bench's floor (bench/entries/issuer.ts): the service's HTTP stack (Hono on
 * @hono/node-server, the upload read as the service reads it) answering every upload
 * with a stored-looking 201 and doing nothing else, no check, no database. What the load
 * generator and this server cost per request is what any HTTP upload costs on the
 * bench's machine before a byte is checked or stored: the rate the service could reach
 * if its checks and its statement were free.
 */
export async function startHttpFloor(): Promise<{ url: string; close(): Promise<void> }> {
  const app = new Hono();
  app.post('/v1/auth/challenge', (c) => c.json({ challenge: hex(randomBytes(32)), expiresAt: 0 }));
  app.post('/v1/auth/login', async (c) => {
    await c.req.json();
    return c.json({ token: hex(randomBytes(32)).toLowerCase(), cardNumber: '', expiresAt: 0 });
  });
  app.post('/v1/cards/:card/backups', async (c) => {
    const data = await binaryBody(c);
    return c.json({ seq: 1, kind: 'full', date: 0, headerHash: '', blobHash: '', size: data.length, created: true }, 201);
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve, reject) => server.close((e) => (e ? reject(e) : resolve()))),
  };
}
