import { expect, test } from '@playwright/test';
import { collectErrors } from './helpers/console.ts';
import { screenshot } from './helpers/screenshot.ts';

const widths = [
  { name: 'phone', width: 360, height: 740 },
  { name: 'desktop', width: 1280, height: 860 },
] as const;

for (const { name, width, height } of widths) {
  test(`connect screen fits ${width}px and is screenshotted`, async ({ page }) => {
    const errors = collectErrors(page);
    await page.setViewportSize({ width, height });
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Start the demo' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'Connect a USB reader' })).toBeVisible();
    // Nothing sticks out sideways: the page scrolls only vertically.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await screenshot(page, `connect-${name}`);
    expect(errors).toEqual([]);
  });
}

test('the connect screen speaks Japanese when the browser does', async ({ browser }) => {
  const context = await browser.newContext({ locale: 'ja-JP', viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto('/');
  await expect(page.locator('html')).toHaveAttribute('lang', 'ja');
  await expect(page.getByRole('button', { name: 'デモを始める' })).toBeVisible();
  await screenshot(page, 'connect-ja');
  await page.getByRole('button', { name: 'English' }).click();
  await expect(page.getByRole('button', { name: 'Start the demo' })).toBeVisible();
  await context.close();
});

test('keyboard reaches the language switch and every connect button in order', async ({ page }) => {
  await page.goto('/');
  // Tab only once the app has rendered: before that, focus has nowhere to go but <body>.
  await expect(page.getByRole('button', { name: 'Start the demo' })).toBeVisible();
  const order: string[] = [];
  for (let i = 0; i < 7; i++) {
    await page.keyboard.press('Tab');
    // A <select> (the demo reader's protocols) by its label, not its options' text.
    order.push(await page.evaluate(() => (document.activeElement instanceof HTMLSelectElement ? (document.activeElement.labels?.[0]?.textContent ?? '') : (document.activeElement?.textContent ?? ''))));
  }
  expect(order).toEqual(['Skip to the main content', 'English', '日本語', 'How the demo reader talks to the card', 'Start the demo', 'Connect a USB reader', 'Use the PC/SC bridge']);
});
