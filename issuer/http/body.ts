import type { IncomingMessage } from 'node:http';
import type { Context } from 'hono';
import { IssuerError } from '../errors.ts';

/**
 * An upload's bytes. Under @hono/node-server with a Content-Length (already bounded by
 * limitBody, and Node's parser delivers exactly that many bytes or an error), the body is
 * read from Node's request straight into one buffer of that size: `c.req.arrayBuffer()`
 * would turn the request into a web Request and its body into a web stream, which cost a
 * 42 KB upload more CPU than its signature check (docs/issuer-scale.md). Otherwise (a
 * chunked body, or the app called without a Node server, as in tests) Hono reads it.
 */
export async function binaryBody(c: Context): Promise<Uint8Array> {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  const length = c.req.header('content-length');
  if (!incoming || length === undefined || incoming.readableDidRead) return new Uint8Array(await c.req.arrayBuffer());
  const size = Number(length);
  return new Promise<Uint8Array>((resolve, reject) => {
    const out = new Uint8Array(size);
    let at = 0;
    incoming.on('data', (chunk: Buffer) => {
      if (at + chunk.length > size) {
        incoming.destroy();
        reject(new IssuerError('BAD_REQUEST', `the body is longer than its Content-Length (${size} bytes)`));
        return;
      }
      out.set(chunk, at);
      at += chunk.length;
    });
    incoming.once('end', () => {
      if (at === size) resolve(out);
      else reject(new IssuerError('BAD_REQUEST', `the body ended after ${at} of its Content-Length's ${size} bytes`));
    });
    incoming.once('error', (cause) => reject(new IssuerError('BAD_REQUEST', 'the body could not be read', { cause })));
  });
}
