/**
 * Serves dist/ with the IWA headers (headers.ts) on 127.0.0.1, for Chromium's dev-mode
 * install of an Isolated Web App from a URL (docs/iwa.md, e2e/iwa.spec.ts):
 *   chromium --enable-features=IsolatedWebApps,IsolatedWebAppDevMode \
 *            --install-isolated-web-app-from-url=http://127.0.0.1:<port>/
 *
 *   npx tsx tools/iwa/serve.ts [--port 0] [--dir dist]
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join, normalize, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { iwaHeaders } from './headers.ts';

export interface IwaDevServer {
  readonly url: string;
  readonly server: Server;
  close(): Promise<void>;
}

export async function serveIwa(dir: string, port = 0): Promise<IwaDevServer> {
  const root = normalize(dir);
  const server = createServer((req, res) => {
    const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const path = pathname === '/' ? '/index.html' : pathname;
    const file = normalize(join(root, path));
    if (!file.startsWith(root + sep)) {
      res.writeHead(403).end();
      return;
    }
    readFile(file).then(
      (body) => res.writeHead(200, iwaHeaders(path)).end(body),
      () => res.writeHead(404, { 'content-type': 'text/plain' }).end('not found'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  const a = server.address();
  const p = typeof a === 'object' && a ? a.port : port;
  return {
    url: `http://127.0.0.1:${p}/`,
    server,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { port: { type: 'string', default: '0' }, dir: { type: 'string', default: 'dist' } } });
  const s = await serveIwa(values.dir, Number(values.port));
  console.log(`IWA dev server for ${values.dir} on ${s.url}`);
}
