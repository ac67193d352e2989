// The views in real Chromium, over the test-only in-memory services (view harness):
// states the real app reaches only slowly (10,000 backups, a stalled transfer). The
// cardholder's story against the real layers, and its screenshots, are story.spec.ts,
// vault.spec.ts and reader.spec.ts.
import { expect, test, type Page } from '@playwright/test';
import type { ViteDevServer } from 'vite';
import { harnessUrl, startHarness } from './helpers/harness-server.ts';
import { screenshot } from './helpers/screenshot.ts';

let server: ViteDevServer;
test.beforeAll(async () => {
  server = await startHarness();
});
test.afterAll(async () => {
  await server.close();
});

async function open(page: Page, scene: string, width = 1280) {
  await page.setViewportSize({ width, height: 900 });
  await page.goto(harnessUrl(scene));
  await expect(page.locator('body[data-scene-ready]')).toHaveCount(1, { timeout: 30_000 });
}

test('dashboard: card, memory map with changed pages, 10,000-row timeline', async ({ page }) => {
  await open(page, 'dashboard');
  await expect(page.getByTestId('card-number')).toHaveText('4980 1234 5678 9012');
  await expect(page.getByTestId('value-emoney')).toContainText('11,980');
  await expect(page.locator('.memmap-grid .page')).toHaveCount(192);
  // The record edit changed one page; spends and points change none (protocol v2: value lives outside backups).
  await expect(page.locator('.memmap-grid .page-changed')).toHaveCount(1);
  await expect(page.getByText('10,000 backups, newest first')).toBeVisible();
  // Virtualised: a handful of rows in the DOM, not ten thousand.
  const rendered = await page.locator('.vrow').count();
  expect(rendered).toBeGreaterThan(3);
  expect(rendered).toBeLessThan(40);
  await page.locator('.vlist').evaluate((el) => el.scrollTo(0, 64 * 5000));
  await expect(page.locator('.vrow[aria-posinset="5001"] [data-seq]')).toHaveAttribute('data-seq', '5000');
});

test('dashboard at phone width has no sideways scroll', async ({ page }) => {
  await open(page, 'dashboard', 360);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  await screenshot(page, 'dashboard-phone');
});

test('PIN dialog: tries left after a wrong PIN, focus inside, Escape closes and returns focus', async ({ page }) => {
  await open(page, 'pin');
  const dialog = page.getByRole('dialog', { name: 'Enter your PIN to back up' });
  await expect(dialog).toBeVisible();
  await expect(dialog.getByRole('status')).toHaveText('Wrong PIN. 2 tries left');
  await expect(dialog.getByRole('textbox', { name: 'PIN', exact: true })).toBeFocused();
  for (let i = 0; i < 5; i++) {
    await page.keyboard.press('Tab');
    expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
  }
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  // Opened from the keyboard, it gives focus back to the button that opened it.
  const backUp = page.getByRole('button', { name: 'Back up now' });
  await backUp.focus();
  await page.keyboard.press('Enter');
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
  await expect(backUp).toBeFocused();
});

test('backup progress shows pages, bytes, speed, time left; cancel stops it', async ({ page }) => {
  await open(page, 'progress');
  await expect(page.getByTestId('progress-facts')).toContainText('of 192 pages');
  await expect(page.getByTestId('progress-facts')).toContainText('left');
  // One figure for the bar and the percentage, and the step with what to do meanwhile.
  await expect(page.getByTestId('progress-phase')).toHaveText('Copying pages Keep the card in the reader.');
  const pct = (await page.getByTestId('progress-pct').textContent())?.replace('%', '');
  await expect(page.locator('.progress-bar')).toHaveAttribute('value', pct ?? 'missing');
  await screenshot(page, 'backup-progress');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByText('Nothing was changed. You can start again at any time.')).toBeVisible();
});

test('restore onto a replacement card explains why value is zero', async ({ page }) => {
  await open(page, 'restore-result');
  const dialog = page.getByRole('dialog', { name: 'Restore backup no. 2' });
  await expect(dialog.getByTestId('restore-result')).toContainText('is now on the new card');
  await expect(dialog.getByTestId('why-zero')).toContainText('re-issued onto the new card by your card issuer');
  await expect(dialog.locator('[data-app="emoney"]')).toContainText('Value kept (a restore does not change it)');
  await expect(dialog.getByTestId('result-emoney')).toContainText('now: ¥0');
});

test('vault verify shows damaged backups clearly', async ({ page }) => {
  await open(page, 'vault-damaged');
  await expect(page.getByTestId('verify-damaged')).toContainText('Damaged: 2 backups');
  await expect(page.getByTestId('verify-damaged')).toContainText('Backup no. 31: its contents changed after it was stored');
  await page.getByTestId('verify-damaged').scrollIntoViewIfNeeded();
});

test('a reader the browser refuses (CCID class) is explained with the ways out', async ({ page }) => {
  await open(page, 'connect', 360);
  await page.getByRole('button', { name: 'Connect a USB reader' }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Chrome does not let web pages use this reader');
  await expect(alert).toContainText('Isolated Web App');
  await expect(alert).toContainText('local bridge');
  await alert.scrollIntoViewIfNeeded();
});

test('dashboard in Japanese', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ja-JP' });
  const page = await context.newPage();
  await open(page, 'dashboard');
  await expect(page.getByRole('heading', { name: 'お手持ちのカード' })).toBeVisible();
  await expect(page.getByText('10,000件（新しい順）')).toBeVisible();
  await screenshot(page, 'dashboard-ja');
  await context.close();
});
