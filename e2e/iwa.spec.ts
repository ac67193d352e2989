// The app as an Isolated Web App, in real Chromium: dist/ (built by the webServer of
// playwright.config.ts) served with the IWA headers by tools/iwa/serve.ts, installed in
// dev mode at browser start (--install-isolated-web-app-from-url; installing the signed
// bundle with --install-isolated-web-app-from-file does nothing in this Chromium, see
// docs/iwa.md), then opened at its isolated-app:// origin, which Chromium derives from
// a key of its own and shows in chrome://web-app-internals.
import { chromium, expect, test, type BrowserContext } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serveIwa, type IwaDevServer } from '../tools/iwa/serve.ts';
import { chromiumExecutable } from './chromium-path.ts';
import { backUp } from './helpers/app.ts';
import { collectErrors } from './helpers/console.ts';

let server: IwaDevServer;
let context: BrowserContext;
let profile: string;
let origin: string;

test.beforeAll(async () => {
  server = await serveIwa('dist');
  profile = mkdtempSync(join(tmpdir(), 'icvault-iwa-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumExecutable(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--enable-features=IsolatedWebApps,IsolatedWebAppDevMode',
      `--install-isolated-web-app-from-url=${server.url}`,
    ],
  });
  // The install runs in the background after start; its origin appears on this page.
  const internals = await context.newPage();
  await expect
    .poll(
      async () => {
        await internals.goto('chrome://web-app-internals');
        const text = await internals.locator('web-app-internals-app').evaluate((e) => (e.shadowRoot ?? e).textContent ?? '');
        const html = await internals.content();
        return /isolated-app:\/\/[a-z0-9]+\//.exec(text + html)?.[0] ?? '';
      },
      { timeout: 60_000, intervals: [500, 1000, 2000] },
    )
    .toMatch(/^isolated-app:\/\//);
  const text = (await internals.locator('web-app-internals-app').evaluate((e) => (e.shadowRoot ?? e).textContent ?? '')) + (await internals.content());
  origin = /isolated-app:\/\/[a-z0-9]+\//.exec(text)?.[0] ?? '';
  await internals.close();
});

test.afterAll(async () => {
  await context?.close();
  await server?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

test('installed in dev mode, the app runs at its isolated-app origin: cross-origin isolated, usb allowed, WebUSB present', async () => {
  const page = await context.newPage();
  await page.goto(origin);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('icvault');
  const facts = await page.evaluate(() => ({
    origin: location.origin,
    isolated: crossOriginIsolated,
    webUsb: typeof navigator.usb?.requestDevice === 'function',
    allowed: (document as Document & { featurePolicy?: { allowedFeatures(): string[] } }).featurePolicy?.allowedFeatures() ?? [],
  }));
  expect(facts.origin + '/').toBe(origin);
  expect(facts.isolated).toBe(true);
  expect(facts.webUsb).toBe(true);
  expect(facts.allowed).toEqual(expect.arrayContaining(['cross-origin-isolated', 'usb', 'usb-unrestricted']));
  // The manifest and icon the install read are the ones public/ ships.
  const manifest = await page.evaluate(async () => (await fetch('/.well-known/manifest.webmanifest')).json() as Promise<Record<string, unknown>>);
  expect(manifest.permissions_policy).toMatchObject({ usb: ['self'], 'usb-unrestricted': ['self'], 'smart-card': ['self'] });
  await page.close();
});

test('the demo story runs inside the IWA: start the sample card, back up', async () => {
  const page = await context.newPage();
  const errors = collectErrors(page);
  await page.goto(origin);
  await page.locator('.connect-option .btn-primary').first().click();
  await expect(page.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
  expect(await backUp(page, 1)).toMatch(/256 pages/);
  await expect(page.getByText('1 backup, newest first')).toBeVisible();
  expect(errors).toEqual([]);
  await page.close();
});
