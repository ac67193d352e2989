import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer, type ViteDevServer } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const HARNESS_PORT = 4180;

/**
 * A Vite dev server for the view harness (test/ui/harness): the real views over the
 * test-only in-memory services, so views can be driven and seen before the real
 * layers are wired. The built app itself is served by playwright.config.ts.
 */
export async function startHarness(): Promise<ViteDevServer> {
  const server = await createServer({
    root,
    configFile: resolve(root, 'vite.config.ts'),
    logLevel: 'error',
    server: { port: HARNESS_PORT, strictPort: true, host: '127.0.0.1', open: false },
  });
  await server.listen();
  return server;
}

export const harnessUrl = (scene: string) => `http://127.0.0.1:${HARNESS_PORT}/test/ui/harness/index.html?scene=${scene}`;
