/**
 * The connect screen's bridge form (issue 13): the bridge's port is a field the app
 * remembers, a bad port is named, and a remembered pairing can be forgotten. No bridge
 * runs here (no pcscd): only what the cardholder sees and what the page keeps.
 */
import { expect, test } from '@playwright/test';
import { screenshot } from './helpers/screenshot.ts';

test('the bridge form asks for the port, names a bad one, remembers a good one, and offers to forget a pairing', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Use the PC/SC bridge' }).click();
  const port = page.getByLabel('Bridge port');
  await expect(port).toHaveValue('35964');
  await page.getByLabel('Pairing code').fill('123456');
  await port.fill('70000');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByText('The port is a whole number from 1 to 65535.')).toBeVisible();
  await expect(port).toHaveAttribute('aria-invalid', 'true');

  await port.fill('40123');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  // Nothing listens there: the connection fails, but the port is remembered.
  await expect.poll(() => page.evaluate(() => localStorage.getItem('icvault.bridge.port'))).toBe('40123');

  await page.evaluate(() => localStorage.setItem('icvault.bridge.pairingToken', 'remembered'));
  await page.reload();
  await page.getByRole('button', { name: 'Use the PC/SC bridge' }).click();
  await expect(page.getByLabel('Bridge port')).toHaveValue('40123');
  await screenshot(page, 'connect-bridge-port', { fullPage: false });
  await page.getByRole('button', { name: 'Forget the pairing' }).click();
  await expect(page.getByText(/Pairing forgotten here/)).toBeVisible();
  expect(await page.evaluate(() => localStorage.getItem('icvault.bridge.pairingToken'))).toBeNull();
});
