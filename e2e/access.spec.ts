// Keyboard only, a phone's width, and axe-core on every screen in English and Japanese.
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { backUp, DEMO_PIN, enterPin, startDemo } from './helpers/app.ts';
import { screenshot } from './helpers/screenshot.ts';

/** Tab until the focused element matches `name` (its accessible label or text). */
async function tabTo(page: Page, name: RegExp, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const label = await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? (el.getAttribute('aria-label') ?? el.textContent ?? '').trim() : '';
    });
    if (name.test(label)) return;
  }
  throw new Error(`Tab never reached ${String(name)}`);
}

test('keyboard only: start the demo, back up, restore', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Start the demo' })).toBeVisible();
  await tabTo(page, /^Start the demo$/);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
  // Focus lands on the dashboard's main action, not on <body>.
  await expect(page.getByTestId('dashboard-start')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('button', { name: 'Back up now' })).toBeFocused();
  await page.keyboard.press('Enter');
  const pin = page.getByRole('dialog', { name: 'Enter your PIN to back up' });
  await expect(pin.getByRole('textbox', { name: 'PIN', exact: true })).toBeFocused();
  await expect(pin.getByTestId('pin-demo')).toHaveText(`Demo card PIN: ${DEMO_PIN}`);
  await page.keyboard.type(DEMO_PIN);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('backup-done')).toBeFocused();

  await tabTo(page, /^Restore… #1$/);
  await page.keyboard.press('Enter');
  const dialog = page.getByRole('dialog', { name: 'Restore backup no. 1' });
  await expect(dialog.getByTestId('restore-preview')).toBeVisible();
  await tabTo(page, /^Restore$/, 30);
  await page.keyboard.press('Enter');
  await page.keyboard.type(DEMO_PIN);
  await page.keyboard.press('Enter');
  await expect(dialog.getByTestId('restore-result')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(dialog).toHaveCount(0);
});

test('the skip link is the first stop and goes to the main content', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Start the demo' })).toBeVisible();
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to the main content' });
  await expect(skip).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#main')).toBeFocused();
});

test('a reload keeps the language and the demo card', async ({ page }) => {
  await startDemo(page);
  await page.getByRole('button', { name: 'Spend ¥500' }).click();
  await expect(page.getByTestId('value-emoney')).toHaveText('¥2,700');
  await page.getByRole('button', { name: '日本語' }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await page.reload();
  await expect(page.getByTestId('value-emoney')).toHaveText('￥2,700', { timeout: 30_000 });
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(page.getByRole('heading', { name: 'お手持ちのカード' })).toBeVisible();
});

test('phone width: Back up now is in the first screen', async ({ page }) => {
  await page.setViewportSize({ width: 360, height: 740 });
  await startDemo(page);
  const box = await page.getByRole('button', { name: 'Back up now' }).boundingBox();
  expect(box).not.toBeNull();
  expect((box?.y ?? 9999) + (box?.height ?? 0)).toBeLessThanOrEqual(740);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBe(0);
  await screenshot(page, 'dashboard-phone-demo', { fullPage: false });
  const { violations } = await new AxeBuilder({ page }).analyze();
  expect(violations.map((v) => v.id)).toEqual([]);
});

const screens: { name: string; open: (page: Page) => Promise<void> }[] = [
  { name: 'connect', open: async (page) => page.goto('/').then(() => expect(page.locator('.connect')).toBeVisible()) },
  { name: 'dashboard', open: async (page) => startDemo(page) },
  {
    name: 'pin',
    open: async (page) => {
      await startDemo(page);
      await page.locator('.backup .btn-primary').click();
      await expect(page.locator('.pin-dialog')).toBeVisible();
    },
  },
  {
    name: 'restore-preview',
    open: async (page) => {
      await startDemo(page);
      await backUp(page, 1, { anyLanguage: true });
      await page.locator('.trow[data-seq="1"] button').click();
      await expect(page.getByTestId('restore-preview')).toBeVisible();
    },
  },
  {
    name: 'restore-result',
    open: async (page) => {
      await startDemo(page);
      await backUp(page, 1, { anyLanguage: true });
      await page.locator('.trow[data-seq="1"] button').click();
      await expect(page.getByTestId('restore-preview')).toBeVisible();
      await page.locator('.restore-dialog .btn-primary').click();
      await enterPin(page, 'restore', DEMO_PIN, { anyLanguage: true });
      await expect(page.getByTestId('restore-result')).toBeVisible();
    },
  },
  {
    name: 'retention',
    open: async (page) => {
      await startDemo(page);
      await backUp(page, 1, { anyLanguage: true });
      await page.locator('.retention button[type="submit"]').click();
      await expect(page.getByTestId('retention-table')).toBeVisible();
    },
  },
  {
    name: 'bridge-form',
    open: async (page) => {
      await page.goto('/');
      await page.locator('article[aria-labelledby="bridge-title"] button').click();
      await expect(page.locator('.bridge-form')).toBeVisible();
    },
  },
  {
    name: 'verify-report',
    open: async (page) => {
      await startDemo(page);
      await backUp(page, 1, { anyLanguage: true });
      await page.locator('.vault-block .btn-secondary').first().click();
      await expect(page.getByTestId('verify-ok')).toBeVisible();
    },
  },
  {
    name: 'replacement-card',
    open: async (page) => {
      await startDemo(page);
      await backUp(page, 1, { anyLanguage: true });
      await page.locator('.demo .button-row').nth(1).locator('button').nth(1).click();
      await expect(page.getByTestId('card-number')).toHaveText('4900 0000 0000 0002');
      await page.locator('.trow[data-seq="1"] button').click();
      await expect(page.getByTestId('restore-preview')).toBeVisible();
    },
  },
  {
    name: 'reset-confirm',
    open: async (page) => {
      await startDemo(page);
      await page.locator('.demo-reset button').click();
      await expect(page.locator('.confirm-dialog')).toBeVisible();
    },
  },
];

for (const locale of ['en-GB', 'ja-JP'] as const) {
  for (const s of screens) {
    test(`axe: ${s.name} (${locale}) has no violations`, async ({ browser }) => {
      const context = await browser.newContext({ locale, viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await s.open(page);
      await expect(page.locator('html')).toHaveAttribute('lang', locale.slice(0, 2));
      const { violations } = await new AxeBuilder({ page }).analyze();
      expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`)).toEqual([]);
      await context.close();
    });
  }
}
