import { expect, test } from '@playwright/test';

test('the built app renders under its Content Security Policy', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('icvault');
  expect(errors).toEqual([]);
});
