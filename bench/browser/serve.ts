// Node side: build bench/browser/ (bench page and e2e harness) with Vite and serve it
// on a free port, for bench/entries/vault.ts and e2e/vault*.spec.ts.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configFile = join(root, 'vite.config.ts');

export const freePort = () =>
  new Promise<number>((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => res(typeof a === 'object' && a ? a.port : 0));
    });
  });

export interface Served {
  base: string;
  close(): Promise<void>;
}

export async function serveBrowserPages(): Promise<Served> {
  const out = mkdtempSync(join(tmpdir(), 'icvault-vault-pages-'));
  await build({
    root,
    configFile,
    logLevel: 'silent',
    build: { outDir: out, emptyOutDir: true, rollupOptions: { input: { bench: join(root, 'bench/browser/index.html'), harness: join(root, 'bench/browser/harness.html') } } },
  });
  const port = await freePort();
  // Cross-origin isolated (COOP + COEP): the page's clock then ticks in microseconds, not
  // 0.1 ms, which the vault bench's 2 ms raw references need (Chromium coarsens
  // performance.now() for pages that are not isolated).
  const headers = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
  const server = await preview({ root, configFile, logLevel: 'silent', build: { outDir: out }, preview: { port, host: '127.0.0.1', strictPort: true, open: false, headers } });
  return {
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((r) => server.httpServer.close(() => r()));
      rmSync(out, { recursive: true, force: true });
    },
  };
}
