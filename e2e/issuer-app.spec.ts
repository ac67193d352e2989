import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import { backUp } from './helpers/app.ts';
import { useIssuerStack, writeDownRecoveryCode } from './helpers/issuer-stack.ts';
import { screenshot } from './helpers/screenshot.ts';

// The app built against a running demo issuer (issue 11), started by this spec on free
// ports. The demo card (protocol version 2) proves itself and registers: the recovery code
// is shown once; every backup goes up, and the timeline says where each one is.

const stackOf = useIssuerStack();

test('the issuer panel and the timeline say where backups are; a lost report with a wrong code is refused plainly', async ({ page }) => {
  const issuerCalls: string[] = [];
  page.on('request', (r) => {
    if (r.url().startsWith(stackOf().issuerUrl)) issuerCalls.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  await page.goto(`${stackOf().appUrl}/?demo`);
  await expect(page.getByTestId('card-number')).toBeVisible({ timeout: 30_000 });
  await writeDownRecoveryCode(page);
  expect(issuerCalls).toEqual(expect.arrayContaining(['POST /v1/auth/challenge', 'POST /v1/auth/login', 'POST /v1/cards/4900000000000001/register']));
  const panel = page.getByTestId('issuer-panel');
  await expect(panel.getByRole('heading', { name: 'Copy at your card issuer' })).toBeVisible();
  await backUp(page, 1);
  const row = page.locator('.trow[data-seq="1"]');
  // Kept here at once, at the issuer as soon as the upload is through.
  await expect(row.locator('[data-place]')).toHaveAttribute('data-place', 'both');
  await expect(row).toContainText('This device + issuer');
  // The row's accessible text names the place too.
  await expect(row.locator('.visually-hidden')).toContainText('kept on: This device + issuer');
  await expect(page.getByTestId('issuer-state')).toHaveText('Backups of this card go to its issuer as they are made.');

  await panel.getByLabel('Card number').fill('4900 0000 0000 0001');
  await panel.getByLabel('Recovery code').fill('not-the-code');
  await panel.getByRole('button', { name: 'Report the card lost' }).click();
  // The issuer does not say whether it knows the card: the code does not match, nothing is stopped.
  await expect(panel.locator('[data-error]').last()).toHaveAttribute('data-error', 'recovery-code-wrong');
  expect(issuerCalls).toContain('POST /v1/lost');
  await screenshot(page, 'issuer-panel');
  // The panel, its form and its notices pass axe like the rest of the dashboard.
  const { violations } = await new AxeBuilder({ page }).include('[data-testid="issuer-panel"]').include('.trow').analyze();
  expect(violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);

  // On a phone the panel and the place badges fit the width (no sideways scrolling).
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(panel).toBeVisible();
  expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
  await screenshot(page, 'issuer-panel-phone');
});
