// The app in Chromium: gzip size of the initial JavaScript of the production build, time
// to first render of the timeline with 10,000 backups, and the vault measured in
// Chromium's own IndexedDB (bench/browser/; Node figures are bench/entries/vault.ts).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { build, preview } from 'vite';
import { chromiumExecutable } from '../../e2e/chromium-path.ts';
import type { BenchEntry, BenchRow } from '../run.ts';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const configFile = join(root, 'vite.config.ts');
const PORT = 4190;

/** The JavaScript index.html loads before anything else: its module script and modulepreloads. */
function initialScripts(html: string): string[] {
  const srcs = [...html.matchAll(/<script[^>]*type="module"[^>]*src="([^"]+)"/g), ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+)"/g)];
  return [...new Set(srcs.map((m) => m[1] as string))];
}

async function initialJs() {
  const out = mkdtempSync(join(tmpdir(), 'icvault-app-'));
  try {
    await build({ root, configFile, logLevel: 'silent', build: { outDir: out, emptyOutDir: true } });
    const files = initialScripts(readFileSync(join(out, 'index.html'), 'utf8'));
    let raw = 0;
    let gzip = 0;
    for (const f of files) {
      const bytes = readFileSync(join(out, f.replace(/^\//, '')));
      raw += bytes.length;
      gzip += gzipSync(bytes, { level: 9 }).length;
    }
    return { files: files.length, rawBytes: raw, gzipBytes: gzip, gzipKiB: gzip / 1024, targetKiB: 150 };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

async function inChromium() {
  const out = mkdtempSync(join(tmpdir(), 'icvault-app-bench-'));
  await build({
    root,
    configFile,
    logLevel: 'silent',
    build: { outDir: out, emptyOutDir: true, rollupOptions: { input: { main: join(root, 'index.html'), bench: join(root, 'bench/browser/index.html') } } },
  });
  const server = await preview({ root, configFile, logLevel: 'silent', build: { outDir: out }, preview: { port: PORT, host: '127.0.0.1', strictPort: true, open: false } });
  const browser = await chromium.launch({ executablePath: chromiumExecutable(), args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await (await browser.newContext()).newPage();
    const base = `http://127.0.0.1:${PORT}`;
    await page.goto(`${base}/bench/browser/index.html`);
    const state = page.locator('#state[data-done]');
    await state.waitFor({ timeout: 15 * 60_000 });
    const text = (await state.textContent()) ?? '';
    if ((await state.getAttribute('data-done')) !== 'ok') throw new Error(`bench page failed: ${text}`);
    const vault = JSON.parse(text) as Record<string, unknown>;
    // The app on the same origin: its timeline shows the demo card's 10,000 backups.
    const renders: number[] = [];
    for (let i = 0; i < 3; i++) {
      // A running demo comes back by itself after a reload (src/ui/main.tsx): start from the connect screen each time.
      await page.evaluate(() => localStorage.removeItem('icvault.session'));
      await page.goto(`${base}/`);
      await page.getByRole('button', { name: 'Start the demo' }).waitFor();
      const t0 = performance.now();
      await page.getByRole('button', { name: 'Start the demo' }).click();
      await page.locator('.trow[data-seq="10000"]').waitFor({ timeout: 120_000 });
      renders.push(performance.now() - t0);
    }
    const count = await page.getByText('10,000 backups, newest first').count();
    return { vault, renders, count };
  } finally {
    await browser.close();
    await new Promise<void>((r) => server.httpServer.close(() => r()));
    rmSync(out, { recursive: true, force: true });
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;

const entry: BenchEntry = {
  name: 'app',
  async run() {
    const js = await initialJs();
    const c = await inChromium();
    const timelineFirstRenderMs = median(c.renders);
    const result = {
      initialJs: js,
      timeline10k: {
        backups: 10_000,
        what: 'click "Start the demo" -> newest timeline row rendered (demo card read over the simulated USB reader, vault timeline listed, first block of rows)',
        firstRenderMs: timelineFirstRenderMs,
        runsMs: c.renders,
        countShown: c.count === 1,
      },
      vaultChromium: c.vault,
    };
    const v = c.vault as { store1MiB: { vaultMs: number; rawPutMs: number }; timelineAllMs: number; restorePlanCompactedNewestMs: number; restorePlanReplayNewestMs: number };
    const rows: BenchRow[] = [
      { case: 'initial JS (gzip)', KiB: js.gzipKiB, target: '<= 150' },
      { case: 'timeline 10,000: start -> first row', ms: timelineFirstRenderMs, engine: 'chromium' },
      { case: 'store 1 MiB backup (vault commit)', ms: v.store1MiB.vaultMs, engine: 'chromium' },
      { case: 'store 1 MiB (raw put, same bytes)', ms: v.store1MiB.rawPutMs, engine: 'chromium' },
      { case: 'timeline all 10,000', ms: v.timelineAllMs, engine: 'chromium' },
      { case: 'restore plan compacted, newest of 10,000', ms: v.restorePlanCompactedNewestMs, engine: 'chromium' },
      { case: 'restore plan replay, newest of 10,000', ms: v.restorePlanReplayNewestMs, engine: 'chromium' },
    ];
    return { result, rows };
  },
};

export default entry;
