import { expect, test } from '@playwright/test';

// `npm start` opens /?demo (package.json): the app must come up in demo mode by itself.
test('/?demo opens straight into demo mode with the simulated card', async ({ page }) => {
  await page.goto('/?demo');
  await expect(page.getByText('4900 0000 0000 0001')).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('heading', { name: 'Your card', exact: true })).toBeVisible();
});
