import { expect, test } from '@playwright/test';
import type { ViteDevServer } from 'vite';
import { collectErrors } from './helpers/console.ts';
import { startDevServer } from './helpers/dev-server.ts';
import { screenshot } from './helpers/screenshot.ts';

// `npm start` (README's first command) and `npm run dev` serve the app through Vite's dev
// server, which injects styles at run time: its CSP must let them in (vite.config.ts).
let dev: { server: ViteDevServer; url: string };

test.beforeAll(async () => {
  dev = await startDevServer();
});
test.afterAll(async () => {
  await dev.server.close();
});

test('npm start: the dev server page is styled, in demo mode, with no CSP error', async ({ page }) => {
  const errors = collectErrors(page);
  const violations: string[] = [];
  await page.exposeFunction('reportCsp', (v: string) => violations.push(v));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      (window as unknown as { reportCsp: (v: string) => void }).reportCsp(`${e.violatedDirective} ${e.blockedURI}`);
    });
  });
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto(`${dev.url}/?demo`);
  await expect(page.getByTestId('card-number')).toBeVisible({ timeout: 60_000 });
  // Styled: the stylesheet's background and the card layout apply (unstyled: white, block flow).
  const background = await page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  expect(background).toBe('rgb(244, 246, 248)');
  const primary = page.getByRole('button', { name: 'Back up now' });
  await expect(primary).toHaveCSS('background-color', 'rgb(31, 95, 139)');
  // Nothing lies over the vault's buttons (the unstyled page put timeline rows on them).
  await page.getByRole('button', { name: 'Check backups' }).click({ trial: true });
  await screenshot(page, 'npm-start', { fullPage: false });
  expect(violations).toEqual([]);
  expect(errors).toEqual([]);
});
